// Generated from the server's OpenAPI document by npm run docs:api; do not edit.
export interface paths {
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The process answers */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ok';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The server can serve: its database answers and takes writes (and NATS answers, in a cluster) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ready';
              /** @enum {string} */
              database: 'ok';
              /**
               * @description in a cluster: NATS, between replicas, answers
               * @enum {string}
               */
              nats?: 'ok';
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics: a bearer token (--metrics-token-file) or an API key, unless the server runs with --metrics-public */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description metrics */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/plain': string;
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ca.pem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The server's own CA certificate */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description PEM */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/x-pem-file': string;
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/cluster': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server replicas and the links each holds
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              mode: 'single' | 'cluster';
              /** @description the replica that answered */
              self: string;
              replicas: {
                id: string;
                name: string;
                started_at: number;
                renewed_at: number;
                /** @description when the replica is declared lost unless it renews its lease */
                lease_until: number | null;
                /** @description agent links it holds */
                links: number;
                /** @description it runs the cluster's periodic work */
                leader: boolean;
                /** @description when it last ran that work */
                work_at: number | null;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              [key: string]: unknown;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in: sets the session cookie
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            username: string;
            password: string;
            /** @description with a second factor on: a code from the authenticator app, or a recovery code */
            totp?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user_id: string;
              username: string;
              /**
               * @description the highest role you hold anywhere (null: none yet)
               * @enum {string|null}
               */
              role: 'viewer' | 'operator' | 'admin' | null;
              /**
               * @description your role over the whole server (null: roles only in spaces or rooms)
               * @enum {string|null}
               */
              global_role: 'viewer' | 'operator' | 'admin' | null;
              spaces?: {
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              rooms?: {
                room_id: string;
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              method?: string;
              second_factor_required?: boolean;
              password_change_required?: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign out. A session opened through the identity provider answers 200 with the provider's end-session URL to send the browser to (when it has one)
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              end_session_url: string;
            };
          };
        };
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user, with the roles they hold and where
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user_id: string;
              username: string;
              /**
               * @description the highest role you hold anywhere (null: none yet)
               * @enum {string|null}
               */
              role: 'viewer' | 'operator' | 'admin' | null;
              /**
               * @description your role over the whole server (null: roles only in spaces or rooms)
               * @enum {string|null}
               */
              global_role: 'viewer' | 'operator' | 'admin' | null;
              spaces?: {
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              rooms?: {
                room_id: string;
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              method?: string;
              second_factor_required?: boolean;
              password_change_required?: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Change your own password (the current one is required); every session of yours ends and this one gets a new cookie
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            current_password: string;
            new_password: string;
          };
        };
      };
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set another user's password; every session of theirs ends
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            password: string;
          };
        };
      };
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * All users
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              username: string;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin' | 'none';
              disabled: boolean;
              sso?: boolean;
              locked: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add a user
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            username: string;
            password: string;
            /** @enum {string} */
            role: 'viewer' | 'operator' | 'admin' | 'none';
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              username: string;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin' | 'none';
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change a user's role or disable them
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            role?: 'viewer' | 'operator' | 'admin' | 'none';
            disabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              username: string;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin' | 'none';
              disabled: boolean;
              sso?: boolean;
              locked: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/users/{id}/unlock': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Unlock a user locked after too many failed sign-ins (their failures are forgotten)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your API keys (every key for admins)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin';
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              last_used_at: number | null;
              /** @description milliseconds since the Unix epoch */
              revoked_at: number | null;
              owner: string;
              space_id?: string | null;
              room_id?: string | null;
              /** @description milliseconds since the Unix epoch */
              expires_at?: number | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Make an API key (shown once) with a role up to your own, optionally only for a space or room, optionally expiring
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            /**
             * @description at most your own (default: your highest)
             * @enum {string}
             */
            role?: 'viewer' | 'operator' | 'admin';
            /** @description the key acts only in this space */
            space_id?: string;
            /** @description the key acts only in this room */
            room_id?: string;
            /** @description the key stops working at this time (ms) */
            expires_at?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description shown once */
              key: string;
              name: string;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin';
              space_id: string | null;
              room_id: string | null;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an API key
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/methods': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How one signs in here: passwords (on, off, admins only), the identity provider, passkeys
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              local_login: 'on' | 'off' | 'admins';
              oidc: boolean;
              passkeys: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/oidc/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Sign in through the identity provider: redirects the browser to the provider's sign-in
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: {
          return_to?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description to the provider */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/oidc/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where the identity provider sends the browser back: opens the session and redirects into the UI (`/?sso_error=` when it failed)
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: {
          code?: string;
          state?: string;
          error?: string;
          error_description?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description into the UI */
        302: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/passkey/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start signing in with a passkey: WebAuthn options (any passkey of this site, or those of a user)
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            username?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              challenge_id: string;
              /** @description for navigator.credentials (WebAuthn JSON) */
              options: {
                [key: string]: unknown;
              };
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/passkey': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with a passkey (a second factor by itself): sets the session cookie
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            challenge_id: string;
            /** @description the browser's PublicKeyCredential as JSON (what @simplewebauthn/browser returns) */
            response: {
              [key: string]: unknown;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              user_id: string;
              username: string;
              /**
               * @description the highest role you hold anywhere (null: none yet)
               * @enum {string|null}
               */
              role: 'viewer' | 'operator' | 'admin' | null;
              /**
               * @description your role over the whole server (null: roles only in spaces or rooms)
               * @enum {string|null}
               */
              global_role: 'viewer' | 'operator' | 'admin' | null;
              spaces?: {
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              rooms?: {
                room_id: string;
                space_id: string;
                /** @enum {string} */
                role: 'viewer' | 'operator' | 'admin';
              }[];
              method?: string;
              second_factor_required?: boolean;
              password_change_required?: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The sign-in policy: who needs a second factor, session idle timeout and lifetime
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description who must enrol a second factor (TOTP or a passkey) before doing anything else
               * @enum {string}
               */
              second_factor: 'off' | 'admins' | 'everyone';
              /** @description a session unused this long ends */
              session_idle_minutes: number;
              /** @description a session ends this long after sign-in, used or not */
              session_lifetime_hours: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change the sign-in policy (audited)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @description who must enrol a second factor (TOTP or a passkey) before doing anything else
             * @enum {string}
             */
            second_factor?: 'off' | 'admins' | 'everyone';
            /** @description a session unused this long ends */
            session_idle_minutes?: number;
            /** @description a session ends this long after sign-in, used or not */
            session_lifetime_hours?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /**
               * @description who must enrol a second factor (TOTP or a passkey) before doing anything else
               * @enum {string}
               */
              second_factor: 'off' | 'admins' | 'everyone';
              /** @description a session unused this long ends */
              session_idle_minutes: number;
              /** @description a session ends this long after sign-in, used or not */
              session_lifetime_hours: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/me/second-factors': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your second factors: TOTP, recovery codes left, passkeys
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              totp: boolean;
              recovery_codes_left: number;
              passkeys: {
                id: string;
                name: string;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
                /** @description milliseconds since the Unix epoch */
                last_used_at: number | null;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start TOTP enrolment: a new secret (shown once) for the authenticator app; confirm it with a code
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              secret: string;
              otpauth_url: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    /**
     * Turn TOTP off (its recovery codes go with it)
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/totp/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Confirm TOTP with a code from the app: TOTP is on, and the one-time recovery codes are shown once
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              recovery_codes: string[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/passkeys/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start adding a passkey: WebAuthn creation options
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              challenge_id: string;
              /** @description for navigator.credentials (WebAuthn JSON) */
              options: {
                [key: string]: unknown;
              };
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/passkeys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Add a passkey: the browser’s answer to the creation options
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            challenge_id: string;
            /** @default passkey */
            name?: string;
            /** @description the browser's PublicKeyCredential as JSON (what @simplewebauthn/browser returns) */
            response: {
              [key: string]: unknown;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              last_used_at: number | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/passkeys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove one of your passkeys
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}/second-factors': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Reset a user's lost second factors (TOTP, recovery codes, passkeys); their sessions end
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your sessions: device, address, last use
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              last_used_at: number;
              /** @description milliseconds since the Unix epoch */
              expires_at: number;
              address: string | null;
              /** @description the browser or client, as it named itself */
              device: string | null;
              method: string;
              current: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * End one of your sessions (this one included)
     * @description Any signed-in user, for their own account (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A user's sessions
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              last_used_at: number;
              /** @description milliseconds since the Unix epoch */
              expires_at: number;
              address: string | null;
              /** @description the browser or client, as it named itself */
              device: string | null;
              method: string;
              current: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}/sessions/{item}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * End a user's session
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/role-bindings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Roles given to users and identity-provider groups, over everything or in a space or room
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description `config:<n>` for a binding of --oidc-role-map (not deletable) */
              id: string;
              user_id: string | null;
              username: string | null;
              oidc_group: string | null;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin';
              space_id: string | null;
              room_id: string | null;
              /** @enum {string} */
              source: 'api' | 'config';
              /** @description milliseconds since the Unix epoch */
              created_at: number | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Give a user or a group a role, over everything or in a space or room (audited)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            user_id?: string;
            oidc_group?: string;
            /** @enum {string} */
            role: 'viewer' | 'operator' | 'admin';
            space_id?: string;
            room_id?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description `config:<n>` for a binding of --oidc-role-map (not deletable) */
              id: string;
              user_id: string | null;
              username: string | null;
              oidc_group: string | null;
              /** @enum {string} */
              role: 'viewer' | 'operator' | 'admin';
              space_id: string | null;
              room_id: string | null;
              /** @enum {string} */
              source: 'api' | 'config';
              /** @description milliseconds since the Unix epoch */
              created_at: number | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/role-bindings/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Take a role binding back (audited)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/spaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The spaces you hold a role in (or in one of their rooms), with your role in each (null: in rooms only)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              slug: string;
              /** @enum {string|null} */
              role: 'viewer' | 'operator' | 'admin' | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/spaces/{id}/claim-token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The space's claim token
     * @description Needs the admin role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              max_uses: number | null;
              uses: number;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change the claim token's expiry and use limit
     * @description Needs the admin role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            expires_at?: number | null;
            max_uses?: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              max_uses: number | null;
              uses: number;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/spaces/{id}/claim-token/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A new claim token; the old one stops working at once
     * @description Needs the admin role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            expires_at?: number | null;
            max_uses?: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              token: string;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              max_uses: number | null;
              uses: number;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/spaces/{id}/rooms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Rooms of a space
     * @description Needs the viewer role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              name: string;
              slug: string;
              is_default: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              node_count: number;
              rules: {
                [key: string]: string;
              }[];
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add a room
     * @description Needs the admin role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              name: string;
              slug: string;
              is_default: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              node_count: number;
              rules: {
                [key: string]: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/rooms/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Delete a room (not the default one)
     * @description Needs the admin role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Rename a room
     * @description Needs the admin role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              name: string;
              slug: string;
              is_default: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              node_count: number;
              rules: {
                [key: string]: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/spaces/{id}/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A space's settings for its nodes' life: when ephemeral and stale nodes are removed, announcements
     * @description Needs the viewer role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description an ephemeral node offline this long is removed (default 24) */
              ephemeral_remove_hours: number;
              /** @description a stale node (offline longer than the server stale age) is removed this many days later; null: never (the default) */
              stale_remove_days: number | null;
              /** @description agents may announce themselves without a token and wait for an operator to approve them (default false) */
              announce: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Change a space's settings (the fields given)
     * @description Needs the admin role on the space the path names (a space the caller holds no role on is answered 404) (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description an ephemeral node offline this long is removed (default 24) */
            ephemeral_remove_hours?: number;
            /** @description a stale node (offline longer than the server stale age) is removed this many days later; null: never (the default) */
            stale_remove_days?: number | null;
            /** @description agents may announce themselves without a token and wait for an operator to approve them (default false) */
            announce?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description an ephemeral node offline this long is removed (default 24) */
              ephemeral_remove_hours: number;
              /** @description a stale node (offline longer than the server stale age) is removed this many days later; null: never (the default) */
              stale_remove_days: number | null;
              /** @description agents may announce themselves without a token and wait for an operator to approve them (default false) */
              announce: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/rooms/{id}/rules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set a room's rules: nodes of the space matching any of them join it (now, and whenever they link with new facts); those a rule put there leave when none matches. Needs admin on the space: rules can take in any of its nodes
     * @description Needs the admin role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            rules: {
              [key: string]: string;
            }[];
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              room: {
                id: string;
                space_id: string;
                name: string;
                slug: string;
                is_default: boolean;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
                node_count: number;
                rules: {
                  [key: string]: string;
                }[];
              };
              moved: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/rooms/{id}/nodes/{nodeId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Put a node in a room
     * @description Needs the admin role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          nodeId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    /**
     * Take a node out of a room
     * @description Needs the admin role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          nodeId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * One action on many nodes, named by `ids` or by a `filter` (the node list's): move them to a room, remove them, update their agents, run a job, or attach a backup plan (its room). Each node is checked and changed as its own route would, and gets its result
     * @description Needs the operator role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': (
            | {
                /** @enum {string} */
                action: 'move';
                /** @description the room to put them in */
                room_id: string;
              }
            | {
                /** @enum {string} */
                action: 'remove';
              }
            | {
                /** @enum {string} */
                action: 'update_agent';
                force?: boolean;
              }
            | {
                /** @enum {string} */
                action: 'run_job';
                job:
                  | {
                      /** @enum {string} */
                      type: 'system.probe';
                      /** @default {} */
                      params?: Record<string, never>;
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.init';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.backup';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                        /** @description default: the initial paths given at enrollment */
                        paths?: string[];
                        excludes?: string[];
                        tags?: string[];
                        /** @description applied after a successful backup (restic forget, with --prune unless prune is false) */
                        retention?: {
                          keep_last?: number;
                          keep_hourly?: number;
                          keep_daily?: number;
                          keep_weekly?: number;
                          keep_monthly?: number;
                          keep_yearly?: number;
                          keep_within?: string;
                          keep_tags?: string[];
                        };
                        /** @description prune after applying the retention (default true) */
                        prune?: boolean;
                        exclude_caches?: boolean;
                        exclude_if_present?: string[];
                        one_file_system?: boolean;
                        /** @description executables in the agent's hooks directory, run before and after the backup (a failing one fails it) */
                        hooks?: {
                          before?: string[];
                          after?: string[];
                        };
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.snapshots';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.forget';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                        keep_last?: number;
                        keep_hourly?: number;
                        keep_daily?: number;
                        keep_weekly?: number;
                        keep_monthly?: number;
                        keep_yearly?: number;
                        keep_within?: string;
                        keep_tags?: string[];
                        tags?: string[];
                        prune?: boolean;
                        /** @description forget exactly these snapshots (instead of a retention policy) */
                        snapshot_ids?: string[];
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.prune';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.copy';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.check';
                      /** @default {} */
                      params?: {
                        source_group_id?: string;
                        read_data_subset?: string;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.unlock';
                      /** @default {} */
                      params?: {
                        /** @description also remove locks that are not stale (another host's, or a running restic's) */
                        remove_all?: boolean;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'restic.restore';
                      params: {
                        snapshot: string;
                        /** @description paths in the snapshot to restore (a file or a directory each); default: all of it */
                        include?: string[];
                        /** @description directory to restore into (the snapshot's paths are recreated below it); default: a fresh directory under the agent's state directory */
                        target?: string;
                        /** @description restore over the original files (target /); must be asked for explicitly */
                        in_place?: boolean;
                      };
                    }
                  | {
                      /** @enum {string} */
                      type: 'shell';
                      params: {
                        command: string;
                      };
                    };
              }
            | {
                /** @enum {string} */
                action: 'attach_plan';
                /** @description a plan attached to a room: the nodes join that room and so follow it */
                plan_id: string;
              }
          ) & {
            ids?: string[];
            filter?: {
              space?: string;
              /** @description room id, or slug within the space */
              room?: string;
              /**
               * @description stale: offline longer than the stale age (--stale-days); duplicate: suspected of sharing its identity with another machine
               * @enum {string}
               */
              status?: 'pending' | 'online' | 'offline' | 'removed' | 'stale' | 'duplicate';
              /** @description part of the host name, OS, architecture, agent version or a tag */
              q?: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              results: {
                node_id: string;
                ok: boolean;
                job_id?: string;
                error?: {
                  code: string;
                  message: string;
                };
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Nodes, filtered, a page at a time (100 by default, in host name order)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          space?: string;
          /** @description room id, or slug within the space */
          room?: string;
          /** @description stale: offline longer than the stale age (--stale-days); duplicate: suspected of sharing its identity with another machine */
          status?: 'pending' | 'online' | 'offline' | 'removed' | 'stale' | 'duplicate';
          /** @description part of the host name, OS, architecture, agent version or a tag */
          q?: string;
          /** @description overdue: only nodes with a source group that has no successful backup within its expected age */
          backup?: 'overdue';
          limit?: number;
          offset?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              hostname: string;
              /** @enum {string} */
              status: 'pending' | 'online' | 'offline' | 'removed';
              /** @description milliseconds since the Unix epoch */
              since: number;
              reason: string;
              pending_stuck: boolean;
              /** @description milliseconds since the Unix epoch */
              last_seen_at: number | null;
              os: string | null;
              os_version: string | null;
              kernel: string | null;
              arch: string | null;
              cpus: number | null;
              memory_bytes: number | null;
              virtualization: string | null;
              container: string | null;
              agent_version: string | null;
              update_available: boolean;
              /** @enum {string|null} */
              agent_kind: 'muster' | 'netdata' | null;
              machine_guid: string | null;
              space_id: string;
              rooms: {
                id: string;
                name: string;
                slug: string;
                by_rule?: boolean;
              }[];
              tags: string[];
              labels: {
                [key: string]: string;
              };
              duplicate_suspected: boolean;
              /** @enum {string} */
              repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
              repo_location: string | null;
              repo_message: string | null;
              repo_lock: string | null;
              backup_overdue: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              ephemeral: boolean;
              stale: boolean;
              shell_jobs: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/counts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How many nodes match the filter (space, room, text), in all and by status: the node list counts and pages with it
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          space?: string;
          /** @description room id, or slug within the space */
          room?: string;
          /** @description part of the host name, OS, architecture, agent version or a tag */
          q?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              all: number;
              online: number;
              offline: number;
              pending: number;
              /** @description offline longer than the stale age */
              stale: number;
              /** @description suspected of sharing an identity */
              duplicate: number;
              backup_overdue: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every node that matches the filter, streamed as one JSON array in host name order
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          space?: string;
          /** @description room id, or slug within the space */
          room?: string;
          /** @description stale: offline longer than the stale age (--stale-days); duplicate: suspected of sharing its identity with another machine */
          status?: 'pending' | 'online' | 'offline' | 'removed' | 'stale' | 'duplicate';
          /** @description part of the host name, OS, architecture, agent version or a tag */
          q?: string;
          /** @description overdue: only nodes with a source group that has no successful backup within its expected age */
          backup?: 'overdue';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description every matching node, read and sent 1,000 at a time */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              hostname: string;
              /** @enum {string} */
              status: 'pending' | 'online' | 'offline' | 'removed';
              /** @description milliseconds since the Unix epoch */
              since: number;
              reason: string;
              pending_stuck: boolean;
              /** @description milliseconds since the Unix epoch */
              last_seen_at: number | null;
              os: string | null;
              os_version: string | null;
              kernel: string | null;
              arch: string | null;
              cpus: number | null;
              memory_bytes: number | null;
              virtualization: string | null;
              container: string | null;
              agent_version: string | null;
              update_available: boolean;
              /** @enum {string|null} */
              agent_kind: 'muster' | 'netdata' | null;
              machine_guid: string | null;
              space_id: string;
              rooms: {
                id: string;
                name: string;
                slug: string;
                by_rule?: boolean;
              }[];
              tags: string[];
              labels: {
                [key: string]: string;
              };
              duplicate_suspected: boolean;
              /** @enum {string} */
              repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
              repo_location: string | null;
              repo_message: string | null;
              repo_lock: string | null;
              backup_overdue: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              ephemeral: boolean;
              stale: boolean;
              shell_jobs: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One node
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              hostname: string;
              /** @enum {string} */
              status: 'pending' | 'online' | 'offline' | 'removed';
              /** @description milliseconds since the Unix epoch */
              since: number;
              reason: string;
              pending_stuck: boolean;
              /** @description milliseconds since the Unix epoch */
              last_seen_at: number | null;
              os: string | null;
              os_version: string | null;
              kernel: string | null;
              arch: string | null;
              cpus: number | null;
              memory_bytes: number | null;
              virtualization: string | null;
              container: string | null;
              agent_version: string | null;
              update_available: boolean;
              /** @enum {string|null} */
              agent_kind: 'muster' | 'netdata' | null;
              machine_guid: string | null;
              space_id: string;
              rooms: {
                id: string;
                name: string;
                slug: string;
                by_rule?: boolean;
              }[];
              tags: string[];
              labels: {
                [key: string]: string;
              };
              duplicate_suspected: boolean;
              /** @enum {string} */
              repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
              repo_location: string | null;
              repo_message: string | null;
              repo_lock: string | null;
              backup_overdue: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              ephemeral: boolean;
              stale: boolean;
              shell_jobs: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Remove a node: its credentials go, its agent is told to stop
     * @description Needs the admin role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/facts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Facts, asked of the agent now
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              hostname: string;
              os: string;
              os_version?: string;
              kernel: string;
              arch: string;
              cpus: number;
              memory_bytes: number;
              virtualization: string;
              container: string;
              /** @default {} */
              labels: {
                [key: string]: string;
              };
              /** @default [] */
              capabilities: string[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Metrics from the agent's own memory (the server keeps no copy)
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          /** @description comma-separated series names */
          series?: string;
          after?: number;
          points?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              series: {
                [key: string]: number[][];
              };
              history_seconds: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every node, as the onboarding API names it (streamed, in host name order)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description every node that was not removed, read and sent 1,000 at a time */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              hostname: string;
              /** @enum {string} */
              status: 'pending' | 'online' | 'offline' | 'removed';
              /** @enum {string} */
              repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
              repo_location: string | null;
              repo_message: string | null;
              repo_lock: string | null;
              backup_overdue: boolean;
              /** @description milliseconds since the Unix epoch */
              since: number;
              reason: string;
              /** @description milliseconds since the Unix epoch */
              last_seen_at: number | null;
              os: string | null;
              arch: string | null;
              agent_version: string | null;
              update_available: boolean;
              /** @enum {string|null} */
              agent_kind: 'muster' | 'netdata' | null;
              tags: string[];
              rooms: {
                id: string;
                name: string;
                slug: string;
                by_rule?: boolean;
              }[];
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One host (404 once removed)
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              hostname: string;
              /** @enum {string} */
              status: 'pending' | 'online' | 'offline' | 'removed';
              /** @enum {string} */
              repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
              repo_location: string | null;
              repo_message: string | null;
              repo_lock: string | null;
              backup_overdue: boolean;
              /** @description milliseconds since the Unix epoch */
              since: number;
              reason: string;
              /** @description milliseconds since the Unix epoch */
              last_seen_at: number | null;
              os: string | null;
              arch: string | null;
              agent_version: string | null;
              update_available: boolean;
              /** @enum {string|null} */
              agent_kind: 'muster' | 'netdata' | null;
              tags: string[];
              rooms: {
                id: string;
                name: string;
                slug: string;
                by_rule?: boolean;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/contexts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The node's chart contexts (what it has charts of), from its agent
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              contexts: {
                id: string;
                title: string;
                units: string;
                family: string;
                /** @description line, area or stacked */
                chart_type: string;
                /** @description lower first, within its family */
                priority: number;
                dimensions?: string[];
                /** @description unix seconds of its oldest point */
                first_entry?: number;
                /** @description unix seconds of its newest point */
                last_entry?: number;
              }[];
              /** @description the node is offline: its last answer, kept since then (ms) */
              cached_at?: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/data': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One context's points over a time range, from the node's agent
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query: {
          /** @description a context id from /contexts (system.cpu, disk.space, ...) */
          context: string;
          /** @description unix seconds, or seconds before now when zero or less (-3600: the last hour) */
          after?: number;
          /** @description unix seconds, or seconds before now when zero or less */
          before?: number;
          points?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              context: string;
              title?: string;
              units: string;
              chart_type?: string;
              labels: string[];
              points: (number | null)[][];
              update_every?: number;
              /** @description the node is offline: its last answer, kept since then (ms) */
              cached_at?: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The alert instances the node's agent evaluates, with their status now
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              alerts: {
                name: string;
                chart: string;
                context: string;
                /** @enum {string} */
                status: 'CLEAR' | 'WARNING' | 'CRITICAL' | 'UNDEFINED' | 'UNINITIALIZED';
                value: number | null;
                value_string: string;
                units: string;
                /** @description unix seconds of its last status change */
                since: number | null;
                summary: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/functions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The functions the node's agent offers (processes, network connections, mounts, ...)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              functions: {
                name: string;
                help: string;
                tags?: string;
                /** @description seconds */
                timeout?: number;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/functions/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run one of its functions on the node (body: its parameters) and get its table
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          name: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            [key: string]: unknown;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              name: string;
              help?: string;
              columns: {
                id: string;
                name: string;
                /** @description string, integer, number, bar-with-integer, duration, timestamp, ... */
                type: string;
                units?: string;
                visible: boolean;
              }[];
              rows: unknown[][];
              sort_column?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_answer_too_large`, `agent_answer_invalid` */
        502: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/rooms/{id}/data': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One context of every node in a room (a page of nodes), side by side
     * @description Needs the viewer role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query: {
          /** @description a context id from /contexts (system.cpu, disk.space, ...) */
          context: string;
          /** @description unix seconds, or seconds before now when zero or less (-3600: the last hour) */
          after?: number;
          /** @description unix seconds, or seconds before now when zero or less */
          before?: number;
          points?: number;
          limit?: number;
          offset?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              context: string;
              nodes: {
                node_id: string;
                hostname: string;
                status: string;
                data: {
                  context: string;
                  title?: string;
                  units: string;
                  chart_type?: string;
                  labels: string[];
                  points: (number | null)[][];
                  update_every?: number;
                  /** @description the node is offline: its last answer, kept since then (ms) */
                  cached_at?: number;
                } | null;
                error: {
                  code: string;
                  message: string;
                } | null;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server-sent events: node presence, claims, repositories, job states and output — of the nodes you may see (job output: where you are an operator), cut to the types and nodes asked for
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          /** @description comma-separated event types to send (default: all but `summary`); `summary`: at most once a second, how many events of each type happened */
          types?: string;
          /** @description comma-separated node ids (at most 1000): only these nodes' events and job output */
          nodes?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description server-sent events */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/event-stream': string;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The audit log
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          limit?: number;
          /** @description the last id seen, for the next page */
          before?: number;
          /** @description exact action, or a prefix ending in "." */
          action?: string;
          /** @description actor id or user name */
          actor?: string;
          target?: string;
          since?: number;
          until?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              events: {
                id: number;
                /** @description milliseconds since the Unix epoch */
                at: number;
                actor_type: string;
                actor_id: string | null;
                actor_name: string | null;
                action: string;
                target_type: string | null;
                target_id: string | null;
                target_name: string | null;
                source_ip: string | null;
                detail: {
                  [key: string]: unknown;
                };
              }[];
              next_before: number | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/overview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The fleet at a glance (the home page)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              nodes: {
                total: number;
                online: number;
                offline: number;
                pending: number;
                /** @description offline for longer than 7 days */
                stale: number;
              };
              alerts: {
                critical: number;
                warning: number;
                info: number;
              };
              backups: {
                ok: number;
                overdue: number;
                failing: number;
                /** @description bytes the last successful backup of every source group read */
                bytes_protected: number;
              };
              recent_events: {
                id: string;
                /** @description milliseconds since the Unix epoch */
                at: number;
                node_id: string | null;
                hostname: string | null;
                /** @enum {string} */
                kind:
                  | 'claimed'
                  | 'online'
                  | 'offline'
                  | 'removed'
                  | 'taken_over'
                  | 'duplicate'
                  | 'repository'
                  | 'backup_succeeded'
                  | 'backup_failed'
                  | 'update';
                summary: string;
              }[];
              noisiest_nodes: {
                node_id: string;
                hostname: string;
                alerts: number;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Alerts, newest first
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          state?: 'firing' | 'acknowledged' | 'resolved';
          severity?: 'critical' | 'warning' | 'info';
          kind?:
            | 'node_offline'
            | 'node_pending'
            | 'duplicate_identity'
            | 'backup_failed'
            | 'backup_overdue'
            | 'check_failed'
            | 'repository_locked'
            | 'repository_init_failed'
            | 'update_failed'
            | 'job_lost'
            | 'storage_unhealthy'
            | 'replica_lost'
            | 'certificate_expiring'
            | 'channel_failing'
            | 'netdata';
          node_id?: string;
          room_id?: string;
          before?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              alerts: {
                id: string;
                rule_id: string;
                /** @enum {string} */
                kind:
                  | 'node_offline'
                  | 'node_pending'
                  | 'duplicate_identity'
                  | 'backup_failed'
                  | 'backup_overdue'
                  | 'check_failed'
                  | 'repository_locked'
                  | 'repository_init_failed'
                  | 'update_failed'
                  | 'job_lost'
                  | 'storage_unhealthy'
                  | 'replica_lost'
                  | 'certificate_expiring'
                  | 'channel_failing'
                  | 'netdata';
                /** @enum {string} */
                severity: 'critical' | 'warning' | 'info';
                /** @enum {string} */
                state: 'firing' | 'acknowledged' | 'resolved';
                node_id: string | null;
                hostname: string | null;
                subject: string | null;
                summary: string;
                /** @description when the condition began */
                since: number;
                /** @description milliseconds since the Unix epoch */
                fired_at: number | null;
                /** @description milliseconds since the Unix epoch */
                resolved_at: number | null;
                acknowledged_by: string | null;
                /** @description milliseconds since the Unix epoch */
                acknowledged_at: number | null;
                ack_comment: string | null;
                count: number;
                silenced: boolean;
              }[];
              next: string | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/alerts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One alert
     * @description Needs the viewer role on the alert the path names (a alert the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              rule_id: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              /** @enum {string} */
              state: 'firing' | 'acknowledged' | 'resolved';
              node_id: string | null;
              hostname: string | null;
              subject: string | null;
              summary: string;
              /** @description when the condition began */
              since: number;
              /** @description milliseconds since the Unix epoch */
              fired_at: number | null;
              /** @description milliseconds since the Unix epoch */
              resolved_at: number | null;
              acknowledged_by: string | null;
              /** @description milliseconds since the Unix epoch */
              acknowledged_at: number | null;
              ack_comment: string | null;
              count: number;
              silenced: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/alerts/{id}/ack': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Acknowledge an alert (no reminders while acknowledged; it still resolves by itself)
     * @description Needs the operator role on the alert the path names (a alert the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            comment?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              rule_id: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              /** @enum {string} */
              state: 'firing' | 'acknowledged' | 'resolved';
              node_id: string | null;
              hostname: string | null;
              subject: string | null;
              summary: string;
              /** @description when the condition began */
              since: number;
              /** @description milliseconds since the Unix epoch */
              fired_at: number | null;
              /** @description milliseconds since the Unix epoch */
              resolved_at: number | null;
              acknowledged_by: string | null;
              /** @description milliseconds since the Unix epoch */
              acknowledged_at: number | null;
              ack_comment: string | null;
              count: number;
              silenced: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/alert-rules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Alert rules
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              for_seconds: number;
              repeat_seconds: number | null;
              space_id: string | null;
              room_id: string | null;
              channel_ids: string[];
              send_resolved: boolean;
              enabled: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add an alert rule
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            /** @enum {string} */
            kind:
              | 'node_offline'
              | 'node_pending'
              | 'duplicate_identity'
              | 'backup_failed'
              | 'backup_overdue'
              | 'check_failed'
              | 'repository_locked'
              | 'repository_init_failed'
              | 'update_failed'
              | 'job_lost'
              | 'storage_unhealthy'
              | 'replica_lost'
              | 'certificate_expiring'
              | 'channel_failing'
              | 'netdata';
            /** @enum {string} */
            severity: 'critical' | 'warning' | 'info';
            /** @description how long the condition must hold before it fires */
            for_seconds: number;
            /** @description send again this often while firing and unacknowledged; null: never */
            repeat_seconds?: number | null;
            space_id?: string | null;
            room_id?: string | null;
            /** @default [] */
            channel_ids?: string[];
            /** @default true */
            send_resolved?: boolean;
            /** @default true */
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              for_seconds: number;
              repeat_seconds: number | null;
              space_id: string | null;
              room_id: string | null;
              channel_ids: string[];
              send_resolved: boolean;
              enabled: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/alert-rules/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One alert rule
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              for_seconds: number;
              repeat_seconds: number | null;
              space_id: string | null;
              room_id: string | null;
              channel_ids: string[];
              send_resolved: boolean;
              enabled: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete an alert rule
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change an alert rule (fields left out stay as they are)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            /** @enum {string} */
            kind?:
              | 'node_offline'
              | 'node_pending'
              | 'duplicate_identity'
              | 'backup_failed'
              | 'backup_overdue'
              | 'check_failed'
              | 'repository_locked'
              | 'repository_init_failed'
              | 'update_failed'
              | 'job_lost'
              | 'storage_unhealthy'
              | 'replica_lost'
              | 'certificate_expiring'
              | 'channel_failing'
              | 'netdata';
            /** @enum {string} */
            severity?: 'critical' | 'warning' | 'info';
            /** @description how long the condition must hold before it fires */
            for_seconds?: number;
            /** @description send again this often while firing and unacknowledged; null: never */
            repeat_seconds?: number | null;
            space_id?: string | null;
            room_id?: string | null;
            channel_ids?: string[];
            send_resolved?: boolean;
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata';
              /** @enum {string} */
              severity: 'critical' | 'warning' | 'info';
              for_seconds: number;
              repeat_seconds: number | null;
              space_id: string | null;
              room_id: string | null;
              channel_ids: string[];
              send_resolved: boolean;
              enabled: boolean;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/silences': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Silences in force or to come
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @enum {string|null} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata'
                | null;
              node_id: string | null;
              room_id: string | null;
              /** @enum {string|null} */
              severity: 'critical' | 'warning' | 'info' | null;
              /** @description milliseconds since the Unix epoch */
              starts_at: number;
              /** @description milliseconds since the Unix epoch */
              ends_at: number;
              comment: string;
              created_by: string;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              active: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Mute notifications of matching alerts until a time (one node from a later start: a maintenance window)
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string|null} */
            kind?:
              | 'node_offline'
              | 'node_pending'
              | 'duplicate_identity'
              | 'backup_failed'
              | 'backup_overdue'
              | 'check_failed'
              | 'repository_locked'
              | 'repository_init_failed'
              | 'update_failed'
              | 'job_lost'
              | 'storage_unhealthy'
              | 'replica_lost'
              | 'certificate_expiring'
              | 'channel_failing'
              | 'netdata'
              | null;
            node_id?: string | null;
            room_id?: string | null;
            /** @enum {string|null} */
            severity?: 'critical' | 'warning' | 'info' | null;
            /** @description default: now; later makes a maintenance window */
            starts_at?: number;
            ends_at: number;
            comment: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @enum {string|null} */
              kind:
                | 'node_offline'
                | 'node_pending'
                | 'duplicate_identity'
                | 'backup_failed'
                | 'backup_overdue'
                | 'check_failed'
                | 'repository_locked'
                | 'repository_init_failed'
                | 'update_failed'
                | 'job_lost'
                | 'storage_unhealthy'
                | 'replica_lost'
                | 'certificate_expiring'
                | 'channel_failing'
                | 'netdata'
                | null;
              node_id: string | null;
              room_id: string | null;
              /** @enum {string|null} */
              severity: 'critical' | 'warning' | 'info' | null;
              /** @description milliseconds since the Unix epoch */
              starts_at: number;
              /** @description milliseconds since the Unix epoch */
              ends_at: number;
              comment: string;
              created_by: string;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              active: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/silences/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * End a silence
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/notification-channels': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Notification channels (secrets never shown)
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              type: 'webhook' | 'email' | 'slack' | 'discord' | 'teams' | 'mattermost' | 'ntfy' | 'gotify';
              config: {
                [key: string]: unknown;
              };
              enabled: boolean;
              failures: number;
              last_error: string | null;
              /** @description milliseconds since the Unix epoch */
              last_sent_at: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add a notification channel
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            /** @enum {string} */
            type: 'webhook' | 'email' | 'slack' | 'discord' | 'teams' | 'mattermost' | 'ntfy' | 'gotify';
            /** @description per type (docs/alerts.md): webhook {url, secret?}; email {host, port, secure?, require_tls?, username?, password?, from, to}; slack, discord, teams, mattermost {url}; ntfy {url, token?}; gotify {url, token} */
            config: {
              [key: string]: unknown;
            };
            /** @default true */
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              type: 'webhook' | 'email' | 'slack' | 'discord' | 'teams' | 'mattermost' | 'ntfy' | 'gotify';
              config: {
                [key: string]: unknown;
              };
              enabled: boolean;
              failures: number;
              last_error: string | null;
              /** @description milliseconds since the Unix epoch */
              last_sent_at: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/notification-channels/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One notification channel
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              type: 'webhook' | 'email' | 'slack' | 'discord' | 'teams' | 'mattermost' | 'ntfy' | 'gotify';
              config: {
                [key: string]: unknown;
              };
              enabled: boolean;
              failures: number;
              last_error: string | null;
              /** @description milliseconds since the Unix epoch */
              last_sent_at: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a channel (rules stop sending to it)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a channel's name, config or enabled (config is merged: a secret left out is kept; the type stays)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            /** @description per type (docs/alerts.md): webhook {url, secret?}; email {host, port, secure?, require_tls?, username?, password?, from, to}; slack, discord, teams, mattermost {url}; ntfy {url, token?}; gotify {url, token} */
            config?: {
              [key: string]: unknown;
            };
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              /** @enum {string} */
              type: 'webhook' | 'email' | 'slack' | 'discord' | 'teams' | 'mattermost' | 'ntfy' | 'gotify';
              config: {
                [key: string]: unknown;
              };
              enabled: boolean;
              failures: number;
              last_error: string | null;
              /** @description milliseconds since the Unix epoch */
              last_sent_at: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/notification-channels/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a test notification now and say how it went
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              ok: boolean;
              status_code: number | null;
              error: string | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/notification-channels/{id}/attempts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A channel's delivery attempts, newest first
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          limit?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description milliseconds since the Unix epoch */
              at: number;
              ok: boolean;
              status_code: number | null;
              error: string | null;
              /** @description notifications this delivery carried (a group counts each) */
              notifications: number;
              duration_ms: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/events/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The events timeline: state changes of nodes, newest first
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          node_id?: string;
          room_id?: string;
          kind?:
            | 'claimed'
            | 'online'
            | 'offline'
            | 'removed'
            | 'taken_over'
            | 'duplicate'
            | 'repository'
            | 'backup_succeeded'
            | 'backup_failed'
            | 'update';
          before?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              events: {
                id: string;
                /** @description milliseconds since the Unix epoch */
                at: number;
                node_id: string | null;
                hostname: string | null;
                /** @enum {string} */
                kind:
                  | 'claimed'
                  | 'online'
                  | 'offline'
                  | 'removed'
                  | 'taken_over'
                  | 'duplicate'
                  | 'repository'
                  | 'backup_succeeded'
                  | 'backup_failed'
                  | 'update';
                summary: string;
              }[];
              next: string | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A host's jobs, newest first (500 at most)
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Run a job on a host (it waits up to a day if the host is offline)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json':
            | {
                /** @enum {string} */
                type: 'system.probe';
                /** @default {} */
                params?: Record<string, never>;
              }
            | {
                /** @enum {string} */
                type: 'restic.init';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.backup';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                  /** @description default: the initial paths given at enrollment */
                  paths?: string[];
                  excludes?: string[];
                  tags?: string[];
                  /** @description applied after a successful backup (restic forget, with --prune unless prune is false) */
                  retention?: {
                    keep_last?: number;
                    keep_hourly?: number;
                    keep_daily?: number;
                    keep_weekly?: number;
                    keep_monthly?: number;
                    keep_yearly?: number;
                    keep_within?: string;
                    keep_tags?: string[];
                  };
                  /** @description prune after applying the retention (default true) */
                  prune?: boolean;
                  exclude_caches?: boolean;
                  exclude_if_present?: string[];
                  one_file_system?: boolean;
                  /** @description executables in the agent's hooks directory, run before and after the backup (a failing one fails it) */
                  hooks?: {
                    before?: string[];
                    after?: string[];
                  };
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.snapshots';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.forget';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                  keep_last?: number;
                  keep_hourly?: number;
                  keep_daily?: number;
                  keep_weekly?: number;
                  keep_monthly?: number;
                  keep_yearly?: number;
                  keep_within?: string;
                  keep_tags?: string[];
                  tags?: string[];
                  prune?: boolean;
                  /** @description forget exactly these snapshots (instead of a retention policy) */
                  snapshot_ids?: string[];
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.prune';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.copy';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.check';
                /** @default {} */
                params?: {
                  source_group_id?: string;
                  read_data_subset?: string;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.unlock';
                /** @default {} */
                params?: {
                  /** @description also remove locks that are not stale (another host's, or a running restic's) */
                  remove_all?: boolean;
                };
              }
            | {
                /** @enum {string} */
                type: 'restic.restore';
                params: {
                  snapshot: string;
                  /** @description paths in the snapshot to restore (a file or a directory each); default: all of it */
                  include?: string[];
                  /** @description directory to restore into (the snapshot's paths are recreated below it); default: a fresh directory under the agent's state directory */
                  target?: string;
                  /** @description restore over the original files (target /); must be asked for explicitly */
                  in_place?: boolean;
                };
              }
            | {
                /** @enum {string} */
                type: 'shell';
                params: {
                  command: string;
                };
              };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/agent-update': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Update the host's agent to the executable this server serves (an agent.update job: download, checksum, trial link, swap, restart; the old one stays if the new one does not come online)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description update even an agent that reports the same version (to replace its executable) */
            force?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/rooms/{id}/agent-update': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Update the agents of every node in a room: an agent.update job each; nodes that cannot be updated (Netdata agents, no executable for their platform, already current) are listed with the reason
     * @description Needs the operator role on the room the path names (a room the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description update even an agent that reports the same version (to replace its executable) */
            force?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              jobs: {
                host_id: string;
                hostname: string;
                job_id: string;
              }[];
              skipped: {
                host_id: string;
                hostname: string;
                reason: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One job with its output (the output only for an operator on the job's node; a viewer sees its state)
     * @description Needs the viewer role on the job the path names (a job the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
              log: string;
              log_lines: {
                seq: number;
                stream: string;
                data: string;
                /** @description milliseconds since the Unix epoch */
                at: number;
              }[];
              /** @description true: the output is withheld (it needs the operator role on the job's node) */
              output_withheld?: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/jobs/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel: a queued job never starts, a running one is killed on the host
     * @description Needs the operator role on the job the path names (a job the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              job_id: string;
              /** @enum {boolean} */
              cancelling: true;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/jobs/{id}/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server-sent events: the stored output, then new output (log) and state changes (state); the output only for an operator on the job's node
     * @description Needs the viewer role on the job the path names (a job the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description server-sent events */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'text/event-stream': string;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/repo/probe': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Initialise (or detect) the host's backup repository again
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              job_id: string;
              /** @enum {string} */
              repo_status: 'initializing';
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/source-groups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A host's source groups
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              name: string;
              paths: string[];
              excludes: string[];
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              tag: string;
              options: {
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
                tags?: string[];
                forget_after_backup?: boolean;
                prune_after_backup?: boolean;
                read_data_subset?: string;
              };
              /** @description the backup plan that gives the node this group (change it there); null: the node's own */
              plan_id: string | null;
              /** @description how old the last successful backup may grow; null: the backup schedule's longest gap plus grace */
              overdue_after_hours: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add a source group
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            paths: string[];
            /** @default [] */
            excludes?: string[];
            /** @default {} */
            retention?: {
              keep_last?: number;
              keep_hourly?: number;
              keep_daily?: number;
              keep_weekly?: number;
              keep_monthly?: number;
              keep_yearly?: number;
              keep_within?: string;
              keep_tags?: string[];
            };
            /** @default {} */
            options?: {
              exclude_caches?: boolean;
              exclude_if_present?: string[];
              one_file_system?: boolean;
              hooks?: {
                before?: string[];
                after?: string[];
              };
              tags?: string[];
              forget_after_backup?: boolean;
              prune_after_backup?: boolean;
              read_data_subset?: string;
            };
            tag?: string;
            /** @description how old the last successful backup may grow before the node shows as overdue; default: the backup schedule's longest gap plus grace */
            overdue_after_hours?: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              name: string;
              paths: string[];
              excludes: string[];
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              tag: string;
              options: {
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
                tags?: string[];
                forget_after_backup?: boolean;
                prune_after_backup?: boolean;
                read_data_subset?: string;
              };
              /** @description the backup plan that gives the node this group (change it there); null: the node's own */
              plan_id: string | null;
              /** @description how old the last successful backup may grow; null: the backup schedule's longest gap plus grace */
              overdue_after_hours: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/source-groups/{item}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One source group
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              name: string;
              paths: string[];
              excludes: string[];
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              tag: string;
              options: {
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
                tags?: string[];
                forget_after_backup?: boolean;
                prune_after_backup?: boolean;
                read_data_subset?: string;
              };
              /** @description the backup plan that gives the node this group (change it there); null: the node's own */
              plan_id: string | null;
              /** @description how old the last successful backup may grow; null: the backup schedule's longest gap plus grace */
              overdue_after_hours: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a source group no schedule uses
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a source group
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            paths?: string[];
            excludes?: string[];
            retention?: {
              keep_last?: number;
              keep_hourly?: number;
              keep_daily?: number;
              keep_weekly?: number;
              keep_monthly?: number;
              keep_yearly?: number;
              keep_within?: string;
              keep_tags?: string[];
            };
            options?: {
              exclude_caches?: boolean;
              exclude_if_present?: string[];
              one_file_system?: boolean;
              hooks?: {
                before?: string[];
                after?: string[];
              };
              tags?: string[];
              forget_after_backup?: boolean;
              prune_after_backup?: boolean;
              read_data_subset?: string;
            };
            tag?: string;
            /** @description how old the last successful backup may grow before the node shows as overdue; default: the backup schedule's longest gap plus grace */
            overdue_after_hours?: number | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              name: string;
              paths: string[];
              excludes: string[];
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              tag: string;
              options: {
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
                tags?: string[];
                forget_after_backup?: boolean;
                prune_after_backup?: boolean;
                read_data_subset?: string;
              };
              /** @description the backup plan that gives the node this group (change it there); null: the node's own */
              plan_id: string | null;
              /** @description how old the last successful backup may grow; null: the backup schedule's longest gap plus grace */
              overdue_after_hours: number | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/hosts/{id}/source-groups/{item}/backup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Back up a source group now
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/schedules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A host's schedules, with their next runs
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              source_group_id: string;
              /** @enum {string} */
              action: 'backup' | 'forget' | 'check';
              cron: string;
              timezone: string;
              enabled: boolean;
              /** @description seconds after each cron time this node's run starts (a plan's spread) */
              delay_seconds: number;
              plan_id: string | null;
              /** @description next fire times, ISO 8601 in UTC */
              next_runs: string[];
              /** @description why runs of this schedule cannot succeed now (e.g. the host has no ready repository) */
              warning: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Add a schedule (cron in a time zone)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            source_group_id: string;
            /**
             * @default backup
             * @enum {string}
             */
            action?: 'backup' | 'forget' | 'check';
            cron: string;
            /** @default UTC */
            timezone?: string;
            /** @default true */
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              source_group_id: string;
              /** @enum {string} */
              action: 'backup' | 'forget' | 'check';
              cron: string;
              timezone: string;
              enabled: boolean;
              /** @description seconds after each cron time this node's run starts (a plan's spread) */
              delay_seconds: number;
              plan_id: string | null;
              /** @description next fire times, ISO 8601 in UTC */
              next_runs: string[];
              /** @description why runs of this schedule cannot succeed now (e.g. the host has no ready repository) */
              warning: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/schedules/{item}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One schedule
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              source_group_id: string;
              /** @enum {string} */
              action: 'backup' | 'forget' | 'check';
              cron: string;
              timezone: string;
              enabled: boolean;
              /** @description seconds after each cron time this node's run starts (a plan's spread) */
              delay_seconds: number;
              plan_id: string | null;
              /** @description next fire times, ISO 8601 in UTC */
              next_runs: string[];
              /** @description why runs of this schedule cannot succeed now (e.g. the host has no ready repository) */
              warning: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a schedule
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a schedule
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            source_group_id?: string;
            /** @enum {string} */
            action?: 'backup' | 'forget' | 'check';
            cron?: string;
            timezone?: string;
            enabled?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              source_group_id: string;
              /** @enum {string} */
              action: 'backup' | 'forget' | 'check';
              cron: string;
              timezone: string;
              enabled: boolean;
              /** @description seconds after each cron time this node's run starts (a plan's spread) */
              delay_seconds: number;
              plan_id: string | null;
              /** @description next fire times, ISO 8601 in UTC */
              next_runs: string[];
              /** @description why runs of this schedule cannot succeed now (e.g. the host has no ready repository) */
              warning: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/hosts/{id}/schedules/{item}/run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a schedule's job now (it waits if the host is offline)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          item: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              host_id: string;
              /** @enum {string} */
              type:
                | 'system.probe'
                | 'restic.init'
                | 'restic.backup'
                | 'restic.snapshots'
                | 'restic.forget'
                | 'restic.prune'
                | 'restic.copy'
                | 'restic.check'
                | 'restic.unlock'
                | 'restic.restore'
                | 'shell'
                | 'agent.update';
              params: {
                [key: string]: unknown;
              };
              /** @enum {string} */
              state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              started_at: number | null;
              /** @description milliseconds since the Unix epoch */
              finished_at: number | null;
              exit_code: number | null;
              error: string | null;
              schedule_id: string | null;
              /** @description milliseconds since the Unix epoch */
              scheduled_for: number | null;
              /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
              result: {
                [key: string]: unknown;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/repository': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set or change the host's backup repository, then initialise it
     * @description Needs the admin role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            repo_url: string;
            /** @description a REST server's user name */
            repo_username?: string;
            /** @description the repository password; when changing only the URL, the current one (and user name) is kept */
            repo_password?: string;
            /** @description the backend's credentials as restic reads them (AWS_*, B2_*, AZURE_*, GOOGLE_*, OS_*, RESTIC_REST_*); sealed, never shown; kept when not given */
            env?: {
              [key: string]: string;
            };
            /** @description for sftp:, the private key ssh authenticates with; kept when not given */
            ssh_key?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              host: {
                id: string;
                hostname: string;
                /** @enum {string} */
                status: 'pending' | 'online' | 'offline' | 'removed';
                /** @enum {string} */
                repo_status: 'unknown' | 'initializing' | 'ready' | 'init_failed';
                repo_location: string | null;
                repo_message: string | null;
                repo_lock: string | null;
                backup_overdue: boolean;
                /** @description milliseconds since the Unix epoch */
                since: number;
                reason: string;
                /** @description milliseconds since the Unix epoch */
                last_seen_at: number | null;
                os: string | null;
                arch: string | null;
                agent_version: string | null;
                update_available: boolean;
                /** @enum {string|null} */
                agent_kind: 'muster' | 'netdata' | null;
                tags: string[];
                rooms: {
                  id: string;
                  name: string;
                  slug: string;
                  by_rule?: boolean;
                }[];
              };
              job_id: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    /**
     * Remove the host's backup repository (its data stays where it is)
     * @description Needs the admin role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/backups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How the host's backups stand: per source group, last success and failure, overdue; last check
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              overdue: boolean;
              groups: {
                source_group_id: string | null;
                source_group: string | null;
                /** @description milliseconds since the Unix epoch */
                last_success_at: number | null;
                last_success_job: string | null;
                snapshot_id: string | null;
                /** @description bytes the last successful backup added to the repository */
                data_added: number | null;
                files_new: number | null;
                files_changed: number | null;
                files_total: number | null;
                bytes_total: number | null;
                duration_ms: number | null;
                /** @description milliseconds since the Unix epoch */
                last_failure_at: number | null;
                last_failure_job: string | null;
                last_failure_reason: string | null;
                /** @description how old the last success may grow; null: nothing expected */
                max_age_ms: number | null;
                /** @description milliseconds since the Unix epoch */
                due_at: number | null;
                overdue: boolean;
              }[];
              /** @description the last restic check of the repository */
              last_check: {
                job_id: string;
                /** @enum {string} */
                state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
                /** @description milliseconds since the Unix epoch */
                finished_at: number;
                error: string | null;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The snapshots in the host's repository, newest first (asked of its agent)
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          /** @description a source group's id: its tag's snapshots */
          source_group?: string;
          tag?: string;
          /** @description snapshots that include this path */
          path?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              short_id: string;
              time: string;
              hostname: string;
              paths: string[];
              tags: string[];
              /** @description the source group whose tag the snapshot carries */
              source_group: string | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots/{snapshot}/files': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One directory level of a snapshot (asked of the host's agent)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          path?: string;
        };
        header?: never;
        path: {
          id: string;
          snapshot: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              snapshot: string;
              path: string;
              entries: {
                name: string;
                type: string;
                path: string;
                size: number | null;
                mtime: string | null;
              }[];
              /** @description true when the directory holds more entries than one answer lists */
              truncated: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/backup-plans': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Backup plans, oldest first
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          space_id?: string;
          room_id?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              space_id: string;
              /** @description the room the plan is attached to; null: the whole space */
              room_id: string | null;
              paths: string[];
              excludes: string[];
              exclude_caches: boolean;
              exclude_if_present: string[];
              one_file_system: boolean;
              tags: string[];
              schedule: {
                cron: string;
                /** @default UTC */
                timezone: string;
                /**
                 * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                 * @default 0
                 */
                spread_minutes: number;
              };
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
              prune: {
                cron: string;
                /** @default UTC */
                timezone: string;
              } | null;
              /** @description when to run restic check (and how much data it reads); null: never */
              check: {
                cron: string;
                /** @default UTC */
                timezone: string;
                read_data_subset?: string;
              } | null;
              /** @description bandwidth limits of every restic run, KiB/s */
              limits: {
                upload_kib?: number;
                download_kib?: number;
              };
              /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
              hooks: {
                before?: string[];
                after?: string[];
              };
              repository: {
                template: string;
                /** @description true when every node uses the same repository (no {hostname} or {node_id}) */
                shared: boolean;
                password_set: boolean;
                /** @description names of the credentials set; their values are never shown */
                env_names: string[];
                ssh_key_set: boolean;
              };
              copy: {
                cron: string;
                timezone: string;
                template: string;
                password_set: boolean;
                env_names: string[];
                /** @description milliseconds since the Unix epoch */
                last_run_at: number | null;
              } | null;
              /** @description nodes the plan applies to now */
              node_count: number;
              /** @description what the plan's repositories store, after deduplication (each counted once; their last statistics) */
              repository_size: number;
              /** @description restic jobs of the plan's nodes that wait to start or run, oldest first (a job waiting for another node's lock on a shared repository runs and says so in its log) */
              queue: {
                job_id: string;
                node_id: string;
                hostname: string;
                type: string;
                state: string;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
              }[];
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Create a backup plan for a room or a space; its nodes get it at once
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name: string;
            room_id?: string;
            space_id?: string;
            paths: string[];
            /** @default [] */
            excludes?: string[];
            /** @default false */
            exclude_caches?: boolean;
            /** @default [] */
            exclude_if_present?: string[];
            /** @default false */
            one_file_system?: boolean;
            /** @default [] */
            tags?: string[];
            schedule: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              /**
               * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
               * @default 0
               */
              spread_minutes?: number;
            };
            /** @default {} */
            retention?: {
              keep_last?: number;
              keep_hourly?: number;
              keep_daily?: number;
              keep_weekly?: number;
              keep_monthly?: number;
              keep_yearly?: number;
              keep_within?: string;
              keep_tags?: string[];
            };
            /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
            prune?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
            } | null;
            /**
             * @description when to run restic check (and how much data it reads); null: never
             * @default null
             */
            check?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              read_data_subset?: string;
            } | null;
            /**
             * @description bandwidth limits of every restic run, KiB/s
             * @default {}
             */
            limits?: {
              upload_kib?: number;
              download_kib?: number;
            };
            /**
             * @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d)
             * @default {}
             */
            hooks?: {
              before?: string[];
              after?: string[];
            };
            repository: {
              /** @description restic location with {hostname} and {node_id} filled in per node: /srv/restic/{hostname} */
              template: string;
              /** @description the repositories' password; default: one generated and sealed per node (per plan for a shared repository) */
              password?: string;
              /** @description the backend's credentials, as restic reads them: RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, B2_ACCOUNT_ID, B2_ACCOUNT_KEY, AZURE_ACCOUNT_NAME, AZURE_ACCOUNT_KEY, AZURE_ACCOUNT_SAS, AZURE_ENDPOINT_SUFFIX, GOOGLE_PROJECT_ID, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_ACCESS_TOKEN, OS_AUTH_URL, OS_REGION_NAME, OS_USERNAME, OS_USER_ID, OS_PASSWORD, OS_TENANT_ID, OS_TENANT_NAME, OS_USER_DOMAIN_NAME, OS_USER_DOMAIN_ID, OS_PROJECT_NAME, OS_PROJECT_DOMAIN_NAME, OS_PROJECT_DOMAIN_ID, OS_TRUST_ID, OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_NAME, OS_APPLICATION_CREDENTIAL_SECRET, OS_STORAGE_URL, OS_AUTH_TOKEN */
              env?: {
                [key: string]: string;
              };
              /** @description for sftp: templates, the private key ssh authenticates with */
              ssh_key?: string;
            };
            /**
             * @description copy every snapshot to a second repository (3-2-1); null: none
             * @default null
             */
            copy?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              /** @description like repository.template: {hostname} and {node_id} per node */
              template: string;
              /** @description default: generated per node (per plan when shared) */
              password?: string;
              env?: {
                [key: string]: string;
              };
            } | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              space_id: string;
              /** @description the room the plan is attached to; null: the whole space */
              room_id: string | null;
              paths: string[];
              excludes: string[];
              exclude_caches: boolean;
              exclude_if_present: string[];
              one_file_system: boolean;
              tags: string[];
              schedule: {
                cron: string;
                /** @default UTC */
                timezone: string;
                /**
                 * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                 * @default 0
                 */
                spread_minutes: number;
              };
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
              prune: {
                cron: string;
                /** @default UTC */
                timezone: string;
              } | null;
              /** @description when to run restic check (and how much data it reads); null: never */
              check: {
                cron: string;
                /** @default UTC */
                timezone: string;
                read_data_subset?: string;
              } | null;
              /** @description bandwidth limits of every restic run, KiB/s */
              limits: {
                upload_kib?: number;
                download_kib?: number;
              };
              /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
              hooks: {
                before?: string[];
                after?: string[];
              };
              repository: {
                template: string;
                /** @description true when every node uses the same repository (no {hostname} or {node_id}) */
                shared: boolean;
                password_set: boolean;
                /** @description names of the credentials set; their values are never shown */
                env_names: string[];
                ssh_key_set: boolean;
              };
              copy: {
                cron: string;
                timezone: string;
                template: string;
                password_set: boolean;
                env_names: string[];
                /** @description milliseconds since the Unix epoch */
                last_run_at: number | null;
              } | null;
              /** @description nodes the plan applies to now */
              node_count: number;
              /** @description what the plan's repositories store, after deduplication (each counted once; their last statistics) */
              repository_size: number;
              /** @description restic jobs of the plan's nodes that wait to start or run, oldest first (a job waiting for another node's lock on a shared repository runs and says so in its log) */
              queue: {
                job_id: string;
                node_id: string;
                hostname: string;
                type: string;
                state: string;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
              }[];
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/backup-plans/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One backup plan
     * @description Needs the viewer role on the plan the path names (a plan the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              space_id: string;
              /** @description the room the plan is attached to; null: the whole space */
              room_id: string | null;
              paths: string[];
              excludes: string[];
              exclude_caches: boolean;
              exclude_if_present: string[];
              one_file_system: boolean;
              tags: string[];
              schedule: {
                cron: string;
                /** @default UTC */
                timezone: string;
                /**
                 * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                 * @default 0
                 */
                spread_minutes: number;
              };
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
              prune: {
                cron: string;
                /** @default UTC */
                timezone: string;
              } | null;
              /** @description when to run restic check (and how much data it reads); null: never */
              check: {
                cron: string;
                /** @default UTC */
                timezone: string;
                read_data_subset?: string;
              } | null;
              /** @description bandwidth limits of every restic run, KiB/s */
              limits: {
                upload_kib?: number;
                download_kib?: number;
              };
              /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
              hooks: {
                before?: string[];
                after?: string[];
              };
              repository: {
                template: string;
                /** @description true when every node uses the same repository (no {hostname} or {node_id}) */
                shared: boolean;
                password_set: boolean;
                /** @description names of the credentials set; their values are never shown */
                env_names: string[];
                ssh_key_set: boolean;
              };
              copy: {
                cron: string;
                timezone: string;
                template: string;
                password_set: boolean;
                env_names: string[];
                /** @description milliseconds since the Unix epoch */
                last_run_at: number | null;
              } | null;
              /** @description nodes the plan applies to now */
              node_count: number;
              /** @description what the plan's repositories store, after deduplication (each counted once; their last statistics) */
              repository_size: number;
              /** @description restic jobs of the plan's nodes that wait to start or run, oldest first (a job waiting for another node's lock on a shared repository runs and says so in its log) */
              queue: {
                job_id: string;
                node_id: string;
                hostname: string;
                type: string;
                state: string;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
              }[];
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a backup plan: its nodes' plan groups and schedules go (repositories and data stay)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a backup plan; its nodes get the change at once (secrets stay unless given)
     * @description Needs the admin role over the whole server (session cookie or API key).
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            paths?: string[];
            excludes?: string[];
            exclude_caches?: boolean;
            exclude_if_present?: string[];
            one_file_system?: boolean;
            tags?: string[];
            schedule?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              /**
               * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
               * @default 0
               */
              spread_minutes?: number;
            };
            retention?: {
              keep_last?: number;
              keep_hourly?: number;
              keep_daily?: number;
              keep_weekly?: number;
              keep_monthly?: number;
              keep_yearly?: number;
              keep_within?: string;
              keep_tags?: string[];
            };
            /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
            prune?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
            } | null;
            /** @description when to run restic check (and how much data it reads); null: never */
            check?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              read_data_subset?: string;
            } | null;
            /** @description bandwidth limits of every restic run, KiB/s */
            limits?: {
              upload_kib?: number;
              download_kib?: number;
            };
            /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
            hooks?: {
              before?: string[];
              after?: string[];
            };
            name?: string;
            repository?: {
              /** @description restic location with {hostname} and {node_id} filled in per node: /srv/restic/{hostname} */
              template?: string;
              /** @description the repositories' password; default: one generated and sealed per node (per plan for a shared repository) */
              password?: string;
              /** @description the backend's credentials, as restic reads them: RESTIC_REST_USERNAME, RESTIC_REST_PASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, B2_ACCOUNT_ID, B2_ACCOUNT_KEY, AZURE_ACCOUNT_NAME, AZURE_ACCOUNT_KEY, AZURE_ACCOUNT_SAS, AZURE_ENDPOINT_SUFFIX, GOOGLE_PROJECT_ID, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_ACCESS_TOKEN, OS_AUTH_URL, OS_REGION_NAME, OS_USERNAME, OS_USER_ID, OS_PASSWORD, OS_TENANT_ID, OS_TENANT_NAME, OS_USER_DOMAIN_NAME, OS_USER_DOMAIN_ID, OS_PROJECT_NAME, OS_PROJECT_DOMAIN_NAME, OS_PROJECT_DOMAIN_ID, OS_TRUST_ID, OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_NAME, OS_APPLICATION_CREDENTIAL_SECRET, OS_STORAGE_URL, OS_AUTH_TOKEN */
              env?: {
                [key: string]: string;
              };
              /** @description for sftp: templates, the private key ssh authenticates with */
              ssh_key?: string;
            };
            copy?: {
              cron: string;
              /** @default UTC */
              timezone?: string;
              /** @description like repository.template: {hostname} and {node_id} per node */
              template: string;
              /** @description default: generated per node (per plan when shared) */
              password?: string;
              env?: {
                [key: string]: string;
              };
            } | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              name: string;
              space_id: string;
              /** @description the room the plan is attached to; null: the whole space */
              room_id: string | null;
              paths: string[];
              excludes: string[];
              exclude_caches: boolean;
              exclude_if_present: string[];
              one_file_system: boolean;
              tags: string[];
              schedule: {
                cron: string;
                /** @default UTC */
                timezone: string;
                /**
                 * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                 * @default 0
                 */
                spread_minutes: number;
              };
              retention: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
              prune: {
                cron: string;
                /** @default UTC */
                timezone: string;
              } | null;
              /** @description when to run restic check (and how much data it reads); null: never */
              check: {
                cron: string;
                /** @default UTC */
                timezone: string;
                read_data_subset?: string;
              } | null;
              /** @description bandwidth limits of every restic run, KiB/s */
              limits: {
                upload_kib?: number;
                download_kib?: number;
              };
              /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
              hooks: {
                before?: string[];
                after?: string[];
              };
              repository: {
                template: string;
                /** @description true when every node uses the same repository (no {hostname} or {node_id}) */
                shared: boolean;
                password_set: boolean;
                /** @description names of the credentials set; their values are never shown */
                env_names: string[];
                ssh_key_set: boolean;
              };
              copy: {
                cron: string;
                timezone: string;
                template: string;
                password_set: boolean;
                env_names: string[];
                /** @description milliseconds since the Unix epoch */
                last_run_at: number | null;
              } | null;
              /** @description nodes the plan applies to now */
              node_count: number;
              /** @description what the plan's repositories store, after deduplication (each counted once; their last statistics) */
              repository_size: number;
              /** @description restic jobs of the plan's nodes that wait to start or run, oldest first (a job waiting for another node's lock on a shared repository runs and says so in its log) */
              queue: {
                job_id: string;
                node_id: string;
                hostname: string;
                type: string;
                state: string;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
              }[];
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              updated_at: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    trace?: never;
  };
  '/api/backup-plans/{id}/run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Back up every node of the plan now, a few at a time; the jobs created
     * @description Needs the operator role on the plan the path names (a plan the caller holds no role on is answered 404) (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              jobs: {
                id: string;
                host_id: string;
                /** @enum {string} */
                type:
                  | 'system.probe'
                  | 'restic.init'
                  | 'restic.backup'
                  | 'restic.snapshots'
                  | 'restic.forget'
                  | 'restic.prune'
                  | 'restic.copy'
                  | 'restic.check'
                  | 'restic.unlock'
                  | 'restic.restore'
                  | 'shell'
                  | 'agent.update';
                params: {
                  [key: string]: unknown;
                };
                /** @enum {string} */
                state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
                created_by: string | null;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
                /** @description milliseconds since the Unix epoch */
                started_at: number | null;
                /** @description milliseconds since the Unix epoch */
                finished_at: number | null;
                exit_code: number | null;
                error: string | null;
                schedule_id: string | null;
                /** @description milliseconds since the Unix epoch */
                scheduled_for: number | null;
                /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
                result: {
                  [key: string]: unknown;
                } | null;
              }[];
              skipped: {
                node_id: string;
                reason: string;
              }[];
              /** @description how many of the jobs run at once */
              concurrency: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/nodes/{id}/backup-plan': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The node's effective backup plan, with where each field comes from
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              plan: {
                id: string;
                name: string;
                room_id: string | null;
              } | null;
              /** @description the plan's fields with the node's overrides applied */
              fields: {
                paths?: string[];
                excludes?: string[];
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                tags?: string[];
                schedule?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  /**
                   * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                   * @default 0
                   */
                  spread_minutes: number;
                };
                retention?: {
                  keep_last?: number;
                  keep_hourly?: number;
                  keep_daily?: number;
                  keep_weekly?: number;
                  keep_monthly?: number;
                  keep_yearly?: number;
                  keep_within?: string;
                  keep_tags?: string[];
                };
                /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
                prune?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                } | null;
                /** @description when to run restic check (and how much data it reads); null: never */
                check?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  read_data_subset?: string;
                } | null;
                /** @description bandwidth limits of every restic run, KiB/s */
                limits?: {
                  upload_kib?: number;
                  download_kib?: number;
                };
                /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
              };
              /** @description where each field comes from */
              origins: {
                [key: string]: 'plan' | 'node' | 'default';
              };
              overrides: {
                paths?: string[];
                excludes?: string[];
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                tags?: string[];
                schedule?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  /**
                   * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                   * @default 0
                   */
                  spread_minutes: number;
                };
                retention?: {
                  keep_last?: number;
                  keep_hourly?: number;
                  keep_daily?: number;
                  keep_weekly?: number;
                  keep_monthly?: number;
                  keep_yearly?: number;
                  keep_within?: string;
                  keep_tags?: string[];
                };
                /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
                prune?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                } | null;
                /** @description when to run restic check (and how much data it reads); null: never */
                check?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  read_data_subset?: string;
                } | null;
                /** @description bandwidth limits of every restic run, KiB/s */
                limits?: {
                  upload_kib?: number;
                  download_kib?: number;
                };
                /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
              } | null;
              repository: {
                location: string | null;
                /**
                 * @description plan: made from the plan's template; node: set on the node by hand
                 * @enum {string}
                 */
                origin: 'plan' | 'node' | 'none';
              };
              /** @description this node's delay after each backup cron time */
              spread_seconds: number;
              /** @description other plans of its rooms or space that do not apply (a node follows one plan: its rooms' first, else its space's) */
              also_matching: {
                id: string;
                name: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    /**
     * Set the node's overrides of its backup plan (null: follow the plan)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            overrides: {
              paths?: string[];
              excludes?: string[];
              exclude_caches?: boolean;
              exclude_if_present?: string[];
              one_file_system?: boolean;
              tags?: string[];
              schedule?: {
                cron: string;
                /** @default UTC */
                timezone?: string;
                /**
                 * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                 * @default 0
                 */
                spread_minutes?: number;
              };
              retention?: {
                keep_last?: number;
                keep_hourly?: number;
                keep_daily?: number;
                keep_weekly?: number;
                keep_monthly?: number;
                keep_yearly?: number;
                keep_within?: string;
                keep_tags?: string[];
              };
              /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
              prune?: {
                cron: string;
                /** @default UTC */
                timezone?: string;
              } | null;
              /** @description when to run restic check (and how much data it reads); null: never */
              check?: {
                cron: string;
                /** @default UTC */
                timezone?: string;
                read_data_subset?: string;
              } | null;
              /** @description bandwidth limits of every restic run, KiB/s */
              limits?: {
                upload_kib?: number;
                download_kib?: number;
              };
              /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
              hooks?: {
                before?: string[];
                after?: string[];
              };
            } | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              plan: {
                id: string;
                name: string;
                room_id: string | null;
              } | null;
              /** @description the plan's fields with the node's overrides applied */
              fields: {
                paths?: string[];
                excludes?: string[];
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                tags?: string[];
                schedule?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  /**
                   * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                   * @default 0
                   */
                  spread_minutes: number;
                };
                retention?: {
                  keep_last?: number;
                  keep_hourly?: number;
                  keep_daily?: number;
                  keep_weekly?: number;
                  keep_monthly?: number;
                  keep_yearly?: number;
                  keep_within?: string;
                  keep_tags?: string[];
                };
                /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
                prune?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                } | null;
                /** @description when to run restic check (and how much data it reads); null: never */
                check?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  read_data_subset?: string;
                } | null;
                /** @description bandwidth limits of every restic run, KiB/s */
                limits?: {
                  upload_kib?: number;
                  download_kib?: number;
                };
                /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
              };
              /** @description where each field comes from */
              origins: {
                [key: string]: 'plan' | 'node' | 'default';
              };
              overrides: {
                paths?: string[];
                excludes?: string[];
                exclude_caches?: boolean;
                exclude_if_present?: string[];
                one_file_system?: boolean;
                tags?: string[];
                schedule?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  /**
                   * @description each node starts a fixed delay (0 to this many minutes, from its id) after the cron time
                   * @default 0
                   */
                  spread_minutes: number;
                };
                retention?: {
                  keep_last?: number;
                  keep_hourly?: number;
                  keep_daily?: number;
                  keep_weekly?: number;
                  keep_monthly?: number;
                  keep_yearly?: number;
                  keep_within?: string;
                  keep_tags?: string[];
                };
                /** @description when to prune (default weekly, Sunday 04:00 UTC); null: each backup prunes after its retention */
                prune?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                } | null;
                /** @description when to run restic check (and how much data it reads); null: never */
                check?: {
                  cron: string;
                  /** @default UTC */
                  timezone: string;
                  read_data_subset?: string;
                } | null;
                /** @description bandwidth limits of every restic run, KiB/s */
                limits?: {
                  upload_kib?: number;
                  download_kib?: number;
                };
                /** @description executables by name in each agent's hooks directory (/etc/muster-agent/hooks.d) */
                hooks?: {
                  before?: string[];
                  after?: string[];
                };
              } | null;
              repository: {
                location: string | null;
                /**
                 * @description plan: made from the plan's template; node: set on the node by hand
                 * @enum {string}
                 */
                origin: 'plan' | 'node' | 'none';
              };
              /** @description this node's delay after each backup cron time */
              spread_seconds: number;
              /** @description other plans of its rooms or space that do not apply (a node follows one plan: its rooms' first, else its space's) */
              also_matching: {
                id: string;
                name: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/backups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The fleet's backups: every node with its plan, last success and failure, next run, size (CSV with format=csv)
     * @description Needs the viewer role anywhere; the answer holds only what the caller may see (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          room_id?: string;
          plan_id?: string;
          state?: 'ok' | 'failing' | 'overdue' | 'never' | 'unprotected';
          format?: 'json' | 'csv';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              totals: {
                nodes: number;
                /** @description nodes with a successful backup that is not overdue */
                protected: number;
                /** @description the size of what their last successful backups covered */
                bytes_protected: number;
                failing: number;
                overdue: number;
              };
              nodes: {
                node_id: string;
                hostname: string;
                status: string;
                plan_id: string | null;
                plan: string | null;
                /** @enum {string} */
                state: 'ok' | 'failing' | 'overdue' | 'never' | 'unprotected';
                /** @description milliseconds since the Unix epoch */
                last_success_at: number | null;
                data_added: number | null;
                bytes_total: number | null;
                duration_ms: number | null;
                /** @description milliseconds since the Unix epoch */
                last_failure_at: number | null;
                last_failure_reason: string | null;
                /** @description milliseconds since the Unix epoch */
                next_run_at: number | null;
                repository: string | null;
                /** @description stored bytes, after deduplication (the last stats read) */
                repository_size: number | null;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/repository/stats': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The host's repository: sizes, deduplication, snapshots, locks, last check (the last reading when offline)
     * @description Needs the viewer role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              total_size: number | null;
              total_file_count: number | null;
              raw_size: number | null;
              blob_count: number | null;
              snapshot_count: number;
              locks: number;
              /** @description total_size / raw_size */
              dedup_ratio: number | null;
              last_check: {
                job_id: string;
                state: string;
                /** @description milliseconds since the Unix epoch */
                finished_at: number;
                error: string | null;
              } | null;
              /** @description milliseconds since the Unix epoch */
              read_at: number;
              /** @description true when the node is offline and this is the last reading */
              cached: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots/diff': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What changed between two snapshots (restic diff)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query: {
          from: string;
          to: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              changes: {
                path: string;
                modifier: string;
              }[];
              truncated: boolean;
              stats: {
                [key: string]: unknown;
              } | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots/find': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where files matching a pattern are, across snapshots (restic find)
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query: {
          pattern: string;
          snapshot?: string;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              matches: {
                snapshot: string;
                path: string;
                type: string;
                size: number | null;
                mtime: string | null;
              }[];
              truncated: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots/{snapshot}/download': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download a file (format=raw) or a directory (tar or zip) from a snapshot, streamed through the link
     * @description Needs the operator role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    get: {
      parameters: {
        query: {
          path: string;
          format?: 'raw' | 'tar' | 'zip';
        };
        header?: never;
        path: {
          id: string;
          snapshot: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description the file as it is (raw), or the directory as a tar or zip archive */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/octet-stream': string;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `payload_too_large` */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unavailable`, `node_offline`, `replica_unreachable`, `agent_busy`, `agent_bundle_missing`, `agent_executable_mismatch` */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `agent_timeout` */
        504: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/{id}/snapshots/{snapshot}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Forget one snapshot (its data is freed at the next prune)
     * @description Needs the admin role on the node the path names (a node the caller holds no role on is answered 404) (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
          snapshot: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              job: {
                id: string;
                host_id: string;
                /** @enum {string} */
                type:
                  | 'system.probe'
                  | 'restic.init'
                  | 'restic.backup'
                  | 'restic.snapshots'
                  | 'restic.forget'
                  | 'restic.prune'
                  | 'restic.copy'
                  | 'restic.check'
                  | 'restic.unlock'
                  | 'restic.restore'
                  | 'shell'
                  | 'agent.update';
                params: {
                  [key: string]: unknown;
                };
                /** @enum {string} */
                state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
                created_by: string | null;
                /** @description milliseconds since the Unix epoch */
                created_at: number;
                /** @description milliseconds since the Unix epoch */
                started_at: number | null;
                /** @description milliseconds since the Unix epoch */
                finished_at: number | null;
                exit_code: number | null;
                error: string | null;
                schedule_id: string | null;
                /** @description milliseconds since the Unix epoch */
                scheduled_for: number | null;
                /** @description what the job produced: a backup's summary (`backup`), a restore's `target`, the `lock` that stopped it */
                result: {
                  [key: string]: unknown;
                } | null;
              };
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/enrollment-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A space's enrollment tokens and their state
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: {
          space?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description SHA-256 of the token (hex): what the onboarding guide revokes it by */
              token_hash: string;
              hostname: string | null;
              /** @enum {string} */
              state: 'active' | 'used' | 'expired' | 'revoked';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              /** @description milliseconds since the Unix epoch */
              revoked_at: number | null;
              rooms: string[];
              tags: string[];
              has_repository: boolean;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    /**
     * Mint a one-time enrollment token for a host (shown once)
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            hostname: string;
            /** @default [] */
            tags?: string[];
            /** @default [] */
            rooms?: string[];
            repo_url?: string;
            repo_username?: string;
            repo_password?: string;
            /** @default [] */
            initial_paths?: string[];
            /** @default 3600 */
            ttl_seconds?: number;
            space_id?: string;
            /** @default false */
            ephemeral?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description shown once */
              token: string;
              /** @description ISO 8601 */
              expires_at: string;
              /** @description milliseconds since the Unix epoch */
              expires_at_ms: number;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/enrollment-tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an enrollment token
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/hosts/enrollment-tokens/{hash}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Revoke an enrollment token by its hash (SHA-256 of the token, hex; `token_hash` in the list): the onboarding guide's path. A token already used, expired or revoked is answered as it is
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          hash: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              /** @description SHA-256 of the token (hex): what the onboarding guide revokes it by */
              token_hash: string;
              hostname: string | null;
              /** @enum {string} */
              state: 'active' | 'used' | 'expired' | 'revoked';
              created_by: string | null;
              /** @description milliseconds since the Unix epoch */
              created_at: number;
              /** @description milliseconds since the Unix epoch */
              expires_at: number | null;
              /** @description milliseconds since the Unix epoch */
              revoked_at: number | null;
              rooms: string[];
              tags: string[];
              has_repository: boolean;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/agents/enroll': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enroll a host with a token: answers its id and its agent token
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            token: string;
            hostname: string;
            os?: string;
            arch?: string;
            agent_version?: string;
            restic_version?: string;
            public_key?: string;
            key_proof?: string;
            ephemeral?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              host_id: string;
              /** @description the agent's bearer credential, shown once */
              agent_token: string;
              cert_pin_sha256: string | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `token_unusable` */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/announce/nodes/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * An agent with only the server's URL and pin announces its key and facts (muster-agent run --announce): 202 while it awaits approval, 200 with its node id once approved, 403 once rejected or where the space takes no announcements
     * @description Open to anyone.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            node?: {
              hostname?: unknown;
            };
            publicKey?: unknown;
            space?: string;
            facts?: unknown;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  /** @enum {string} */
                  state: 'pending';
                  fingerprint: string;
                  expires_at: number;
                }
              | {
                  /** @enum {string} */
                  state: 'approved';
                  node_id: string;
                };
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  /** @enum {string} */
                  state: 'pending';
                  fingerprint: string;
                  expires_at: number;
                }
              | {
                  /** @enum {string} */
                  state: 'approved';
                  node_id: string;
                };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/announcements': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Agents awaiting approval (and those approved or rejected), newest first
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              node_id: string;
              hostname: string;
              /** @description SHA-256 of the agent's public key (hex): compare it with `muster-agent status` */
              fingerprint: string;
              facts: {
                [key: string]: unknown;
              };
              source_ip: string | null;
              /** @enum {string} */
              state: 'pending' | 'approved' | 'rejected';
              created_at: number;
              expires_at: number;
              decided_at: number | null;
            }[];
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/announcements/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve an announced agent: it becomes a node of its space (in the room given, and the space's default rooms) and links at its next announcement
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            room_id?: string | null;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              node_id: string;
              hostname: string;
              /** @description SHA-256 of the agent's public key (hex): compare it with `muster-agent status` */
              fingerprint: string;
              facts: {
                [key: string]: unknown;
              };
              source_ip: string | null;
              /** @enum {string} */
              state: 'pending' | 'approved' | 'rejected';
              created_at: number;
              expires_at: number;
              decided_at: number | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/announcements/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reject an announced agent: its key is refused from now on
     * @description Needs the operator role over the whole server (session cookie or API key).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              id: string;
              space_id: string;
              node_id: string;
              hostname: string;
              /** @description SHA-256 of the agent's public key (hex): compare it with `muster-agent status` */
              fingerprint: string;
              facts: {
                [key: string]: unknown;
              };
              source_ip: string | null;
              /** @enum {string} */
              state: 'pending' | 'approved' | 'rejected';
              created_at: number;
              expires_at: number;
              decided_at: number | null;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/spaces/nodes/{claimedId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Claim a node with a space claim token (stock claim scripts use this)
     * @description Open to anyone.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          claimedId: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            node?: {
              id?: unknown;
              hostname?: unknown;
            };
            token?: unknown;
            rooms?: unknown;
            publicKey?: unknown;
            mGUID?: unknown;
            ephemeral?: unknown;
          };
        };
      };
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `username_taken`, `self_demotion`, `own_password`, `second_factor_state`, `api_key_revoked`, `room_slug_taken`, `default_room`, `token_not_active`, `announcement_decided`, `host_exists`, `enroll_refused`, `node_runs_netdata`, `agent_refused`, `request_cancelled`, `update_not_possible`, `job_ended`, `repository_missing`, `repository_not_ready`, `repository_init_failed`, `source_group_name_taken`, `source_group_in_use`, `room_has_plans`, `plan_managed`, `alert_resolved` */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    post?: never;
    /**
     * Unclaim: the node removes itself (fresh link credentials of this node)
     * @description Called by agents with their node's credentials.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          claimedId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description no content */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': null;
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorCode: string;
              errorMsgKey: string;
              errorMessage: string;
              errorNonRetryable: boolean;
              errorRetryDelaySeconds?: number;
            };
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorCode: string;
              errorMsgKey: string;
              errorMessage: string;
              errorNonRetryable: boolean;
              errorRetryDelaySeconds?: number;
            };
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorCode: string;
              errorMsgKey: string;
              errorMessage: string;
              errorNonRetryable: boolean;
              errorRetryDelaySeconds?: number;
            };
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              errorCode: string;
              errorMsgKey: string;
              errorMessage: string;
              errorNonRetryable: boolean;
              errorRetryDelaySeconds?: number;
            };
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/env': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where and how agents open their link
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: {
          claim_id?: string;
          cap?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json':
              | {
                  authEndpoint: string;
                  transports: {
                    type: string;
                    endpoint: string;
                  }[];
                  backoff: {
                    base: number;
                    minSeconds: number;
                    maxSeconds: number;
                  };
                  capabilities: {
                    name: string;
                    version: number;
                  }[];
                }
              | {
                  /** @enum {string} */
                  encoding: 'proto';
                  capabilities: string[];
                  authEndpoint: string;
                  transports: {
                    /** @enum {string} */
                    type: 'MQTTv5';
                    endpoint: string;
                  }[];
                  backoff: {
                    base: number;
                    minSeconds: number;
                    maxSeconds: number;
                  };
                };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/node/{id}/challenge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A challenge encrypted to the node's public key
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              challenge: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/node/{id}/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Answer the challenge; get a single-use link password
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            agent_version: string;
            response: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clientID: string;
              username: string;
              password: string;
              topics: {
                name: string;
                topic: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/aclk/node/{id}/challenge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A challenge encrypted to a Netdata agent's key (RSA-OAEP, SHA-1)
     * @description Open to anyone.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              challenge: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/aclk/node/{id}/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Answer the challenge; get a single-use MQTT password and the topics of the ACLK
     * @description Open to anyone.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            agent_version: string;
            response: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              clientID: string;
              username: string;
              password: string;
              topics: {
                name: string;
                topic: string;
              }[];
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `not_found`, `oidc_off` */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `rate_limited`, `too_many_streams` */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/server-info': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What the web UI needs to build connect commands
     * @description Needs the viewer role over the whole server (session cookie or API key).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              url: string;
              ca_pin: string | null;
              version: string;
              install_ps1_sha256: string;
            };
          };
        };
        /** @description {"code","message"}; code: `validation_failed`, `bad_url`, `binding_invalid` */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `unauthenticated`, `second_factor_required`, `second_factor_invalid`, `oidc_failed`, `passkey_invalid` */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
        /** @description {"code","message"}; code: `forbidden`, `wrong_password`, `account_locked`, `second_factor_enrolment`, `local_login_off`, `api_key_role`, `cross_site`, `token_wrong_server`, `token_wrong_host`, `key_proof_invalid` */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code: string;
              message: string;
              request_id?: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
