# Muster agent installer for Windows. The server serves this file at /install/install.ps1 with its URL and CA pin
# filled in. Run in an elevated PowerShell:
#   $env:MUSTER_TOKEN="mse_..."; iex (Get-Content -Raw muster-install.ps1)
# (the connect dialog gives the whole command: it downloads this script and runs it only if its SHA-256 matches).
# RM_SERVER, RM_ENROL_TOKEN (or RM_TOKEN), RM_FORCE_REENROLL and RM_HOSTNAME are accepted as aliases.
$ErrorActionPreference = 'Stop'

function Pick($a, $b, $default) { if ($a) { $a } elseif ($b) { $b } else { $default } }
$Server = (Pick $env:MUSTER_SERVER $env:RM_SERVER '@@SERVER@@').TrimEnd('/')
$Token = Pick $env:MUSTER_TOKEN (Pick $env:RM_ENROL_TOKEN $env:RM_TOKEN '') ''
$ClaimToken = Pick $env:MUSTER_CLAIM_TOKEN '' ''
$ClaimRooms = Pick $env:MUSTER_CLAIM_ROOMS '' ''
$Force = Pick $env:MUSTER_FORCE_REENROLL $env:RM_FORCE_REENROLL '0'
$HostName = Pick $env:MUSTER_HOSTNAME $env:RM_HOSTNAME ''
$Pin = Pick $env:MUSTER_CA_PIN $null '@@CA_PIN@@'
$AppDir = Join-Path $env:ProgramFiles 'Muster Agent'
$StateDir = Join-Path $env:ProgramData 'muster-agent'

function Fail($code, $msg) { Write-Error "muster-install: $msg"; exit $code }

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { Fail 1 'run in an elevated PowerShell' }
# x64 Windows runs the agent executable (no Node.js needed); other CPUs run the JavaScript agent with Node.js.
$useExe = ($env:PROCESSOR_ARCHITECTURE -eq 'AMD64') -and ($env:MUSTER_NODE -eq $null)
$node = $null
if (-not $useExe) {
  $node = Pick $env:MUSTER_NODE (Get-Command node -ErrorAction SilentlyContinue).Source $null
  if (-not $node) { Fail 3 'Node.js 20 or newer is required on this CPU (winget install OpenJS.NodeJS.LTS)' }
  if ([int](& $node -p 'process.versions.node.split(".")[0]') -lt 20) { Fail 3 'Node.js 20 or newer is required' }
}

$claimed = Join-Path $StateDir 'cloud.d\claimed_id'
if ((Test-Path $claimed) -and $Force -ne '1') {
  Write-Host "muster-install: already enrolled as $(Get-Content $claimed); nothing changed (MUSTER_FORCE_REENROLL=1 enrolls again)"
  exit 0
}
if (-not $Token -and -not $ClaimToken) { Fail 1 'set MUSTER_TOKEN to a one-time enrollment token (or MUSTER_CLAIM_TOKEN to a claim token)' }

New-Item -ItemType Directory -Force -Path $AppDir, (Join-Path $StateDir 'cloud.d') | Out-Null
# Only SYSTEM and Administrators may read the state directory.
icacls $StateDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null

$agent = if ($useExe) { Join-Path $AppDir 'muster-agent.exe' } else { Join-Path $AppDir 'muster-agent.mjs' }

# Trust, as install.sh does it: fetch the CA without trusting it, check its key (SHA-256 of the SubjectPublicKeyInfo)
# against the pin, then accept for every later request only a chain that ends at that very CA. Certificate checks are
# never switched off. The helper is C#, so it runs the same in Windows PowerShell 5.1 and PowerShell 7, and its
# callback needs no PowerShell runspace.
Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

public static class MusterTrust {
  static X509Certificate2 ca;

  static byte[] Der(byte tag, byte[] body) {
    var len = body.Length < 128 ? new[] { (byte)body.Length }
      : body.Length < 256 ? new[] { (byte)0x81, (byte)body.Length }
      : new[] { (byte)0x82, (byte)(body.Length >> 8), (byte)(body.Length & 0xff) };
    return new[] { tag }.Concat(len).Concat(body).ToArray();
  }

  // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { algorithm OID, parameters }, BIT STRING { 0, key } }.
  public static byte[] Spki(X509Certificate2 cert) {
    var pk = cert.PublicKey;
    byte[] oid;
    if (pk.Oid.Value == "1.2.840.10045.2.1") oid = new byte[] { 6, 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1 };
    else if (pk.Oid.Value == "1.2.840.113549.1.1.1") oid = new byte[] { 6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1 };
    else throw new Exception("unsupported CA key algorithm " + pk.Oid.Value);
    var alg = Der(0x30, oid.Concat(pk.EncodedParameters.RawData).ToArray());
    var key = Der(0x03, new byte[] { 0 }.Concat(pk.EncodedKeyValue.RawData).ToArray());
    return Der(0x30, alg.Concat(key).ToArray());
  }

  public static string Pin(X509Certificate2 cert) {
    using (var sha = SHA256.Create())
      return string.Concat(sha.ComputeHash(Spki(cert)).Select(b => b.ToString("x2")));
  }

  // Fetch ca.pem with certificate checks off for this one request only, then keep it if its pin matches.
  public static string Adopt(string server, string pinHex, string caPath) {
    var req = (HttpWebRequest)WebRequest.Create(server + "/ca.pem");
    req.ServerCertificateValidationCallback = (s, c, ch, e) => true;
    string pem;
    using (var res = req.GetResponse())
    using (var r = new StreamReader(res.GetResponseStream())) pem = r.ReadToEnd();
    var b64 = pem.Split(new[] { "-----" }, StringSplitOptions.None)[2];
    var cert = new X509Certificate2(Convert.FromBase64String(b64));
    var got = Pin(cert);
    if (got != pinHex.ToLowerInvariant()) return got;
    File.WriteAllText(caPath, pem);
    ca = cert;
    ServicePointManager.ServerCertificateValidationCallback = Check;
    return null;
  }

  // Only chains that verify up to the pinned CA, for the right host name.
  static bool Check(object sender, X509Certificate cert, X509Chain presented, SslPolicyErrors errors) {
    if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
    if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return false;
    using (var chain = new X509Chain()) {
      chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
      chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
      chain.ChainPolicy.ExtraStore.Add(ca);
      if (!chain.Build(new X509Certificate2(cert))) return false;
      var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
      return root.Thumbprint == ca.Thumbprint;
    }
  }

  public static void Download(string url, string path) {
    using (var client = new WebClient()) client.DownloadFile(url, path);
  }

  public static string Get(string url) {
    using (var client = new WebClient()) return client.DownloadString(url);
  }
}
'@

$pinHex = if ($Pin) { $Pin -replace '^sha256:', '' } else { '' }
if ($pinHex -and $Server.StartsWith('https://')) {
  $caFile = Join-Path $StateDir 'cloud.d\ca.pem'
  $mismatch = [MusterTrust]::Adopt($Server, $pinHex, $caFile)
  if ($mismatch) { Fail 19 "the server's CA key is sha256:$mismatch, not the pinned sha256:$pinHex; refusing to continue" }
}

# The agent executable (or the JavaScript agent), checked against its published SHA-256 before it replaces anything.
if ($useExe) {
  [MusterTrust]::Download("$Server/agent/binary?os=windows&arch=amd64", "$agent.new")
  $want = ([MusterTrust]::Get("$Server/agent/binary.sha256?os=windows&arch=amd64") -split ' ')[0]
} else {
  [MusterTrust]::Download("$Server/agent/muster-agent.mjs", "$agent.new")
  $want = ([MusterTrust]::Get("$Server/agent/muster-agent.mjs.sha256") -split ' ')[0]
}
$got = (Get-FileHash -Algorithm SHA256 "$agent.new").Hash.ToLower()
if ($got -ne $want) { Fail 4 'the downloaded agent does not match its checksum; try again' }
Move-Item -Force "$agent.new" $agent

# A claim token (space or one-time) claims into rooms; otherwise the one-time token enrolls. The token reaches the
# agent in its environment, never on its command line.
if ($ClaimToken) {
  $enroll = @('claim', '--state-dir', $StateDir, '--local-api', 'off', '--noreload', '--url', $Server)
  if ($ClaimRooms) { $enroll += @('--rooms', $ClaimRooms) }
} else {
  $env:MUSTER_CLAIM_TOKEN = $Token
  $enroll = @('enroll', '--state-dir', $StateDir, '--local-api', 'off', '--noreload', '--url', $Server)
}
if ($Pin) { $enroll += @('--ca-pin', $Pin) }
if ($HostName) { $enroll += @('--hostname', $HostName) }
if ($Force -eq '1') { $enroll += @('--force') }
if ($useExe) { & $agent @enroll } else { & $node $agent @enroll }
$code = $LASTEXITCODE
Remove-Item Env:\MUSTER_CLAIM_TOKEN -ErrorAction SilentlyContinue
if ($code -ne 0) { Fail $code 'enrolling failed (see above)' }

# The agent does not answer the service control manager itself, so it runs as a SYSTEM task started at boot and
# restarted on failure.
$action = if ($useExe) {
  New-ScheduledTaskAction -Execute $agent -Argument "run --state-dir `"$StateDir`""
} else {
  New-ScheduledTaskAction -Execute $node -Argument "`"$agent`" run --state-dir `"$StateDir`""
}
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -ExecutionTimeLimit ([TimeSpan]::Zero)
Register-ScheduledTask -TaskName 'Muster Agent' -Action $action -Trigger $trigger -Settings $settings -User 'SYSTEM' -RunLevel Highest -Force | Out-Null
Start-ScheduledTask -TaskName 'Muster Agent'
Write-Host "muster-install: done: host $(Get-Content $claimed) enrolled with $Server; the agent runs as the 'Muster Agent' task"
