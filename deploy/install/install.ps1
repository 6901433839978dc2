# Muster agent installer for Windows. The server serves this file at /install/install.ps1 with its URL and CA pin
# filled in. Run in an elevated PowerShell:
#   $env:MUSTER_SERVER="https://muster.example:8443"; $env:MUSTER_TOKEN="mse_..."; iex (irm "$env:MUSTER_SERVER/install/install.ps1")
# RM_SERVER, RM_TOKEN, RM_FORCE_REENROLL and RM_HOSTNAME are accepted as aliases.
$ErrorActionPreference = 'Stop'

function Pick($a, $b, $default) { if ($a) { $a } elseif ($b) { $b } else { $default } }
$Server = (Pick $env:MUSTER_SERVER $env:RM_SERVER '@@SERVER@@').TrimEnd('/')
$Token = Pick $env:MUSTER_TOKEN $env:RM_TOKEN ''
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
$node = (Get-Command node -ErrorAction SilentlyContinue).Source
if (-not $node) { Fail 3 'Node.js 20 or newer is required (winget install OpenJS.NodeJS.LTS)' }
if ([int](& $node -p 'process.versions.node.split(".")[0]') -lt 20) { Fail 3 'Node.js 20 or newer is required' }

$claimed = Join-Path $StateDir 'cloud.d\claimed_id'
if ((Test-Path $claimed) -and $Force -ne '1') {
  Write-Host "muster-install: already enrolled as $(Get-Content $claimed); nothing changed (MUSTER_FORCE_REENROLL=1 enrolls again)"
  exit 0
}
if (-not $Token -and -not $ClaimToken) { Fail 1 'set MUSTER_TOKEN to a one-time enrollment token (or MUSTER_CLAIM_TOKEN to a claim token)' }

New-Item -ItemType Directory -Force -Path $AppDir, (Join-Path $StateDir 'cloud.d') | Out-Null
# Only SYSTEM and Administrators may read the state directory.
icacls $StateDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null

$arch = if ($env:PROCESSOR_ARCHITECTURE -eq 'ARM64') { 'arm64' } else { 'amd64' }
$agent = Join-Path $AppDir 'muster-agent.mjs'
# The agent checks the CA pin itself; the download is verified by its checksum.
[Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }
Invoke-WebRequest -UseBasicParsing "$Server/agent/binary?os=windows&arch=$arch" -OutFile "$agent.new"
$want = ((Invoke-WebRequest -UseBasicParsing "$Server/agent/muster-agent.mjs.sha256").Content -split ' ')[0]
$got = (Get-FileHash -Algorithm SHA256 "$agent.new").Hash.ToLower()
if ($got -ne $want) { Fail 4 'the downloaded agent does not match its checksum; try again' }
Move-Item -Force "$agent.new" $agent

# A claim token (space or one-time) claims into rooms; otherwise the one-time token enrolls.
if ($ClaimToken) {
  $enroll = @('claim', '--state-dir', $StateDir, '--local-api', 'off', '--noreload', '--url', $Server, '--token', $ClaimToken)
  if ($ClaimRooms) { $enroll += @('--rooms', $ClaimRooms) }
} else {
  $enroll = @('enroll', '--state-dir', $StateDir, '--local-api', 'off', '--noreload', '--url', $Server, '--token', $Token)
}
if ($Pin) { $enroll += @('--ca-pin', $Pin) }
if ($HostName) { $enroll += @('--hostname', $HostName) }
& $node $agent @enroll
if ($LASTEXITCODE -ne 0) { Fail $LASTEXITCODE 'enrolling failed (see above)' }

# Node.js cannot answer the service control manager itself, so the agent runs as a SYSTEM task started at boot
# and restarted on failure.
$action = New-ScheduledTaskAction -Execute $node -Argument "`"$agent`" run --state-dir `"$StateDir`""
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -ExecutionTimeLimit ([TimeSpan]::Zero)
Register-ScheduledTask -TaskName 'Muster Agent' -Action $action -Trigger $trigger -Settings $settings -User 'SYSTEM' -RunLevel Highest -Force | Out-Null
Start-ScheduledTask -TaskName 'Muster Agent'
Write-Host "muster-install: done: host $(Get-Content $claimed) enrolled with $Server; the agent runs as the 'Muster Agent' task"
