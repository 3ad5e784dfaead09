/* sd-llm-client.c — a client for OpenAI-compatible chat-completions servers
 *
 * libsoup's synchronous API on the calling thread: the session's I/O timeout is the stall
 * timeout (a read that waits longer fails), the total time is checked after every line
 * of the event stream, and a cancellable from another thread interrupts a blocked read.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sd-llm-client.h"

G_DEFINE_QUARK (sd-llm-error-quark, sd_llm_error)

struct _SdLlmClient
{
  GObject  parent_instance;

  char    *endpoint;
  char    *model;
  char    *api_key;
  guint    stall_seconds;
  guint    total_seconds;
  guint    max_tokens;
};

G_DEFINE_FINAL_TYPE (SdLlmClient, sd_llm_client, G_TYPE_OBJECT)

const char *
sd_llm_error_to_status (const GError *error)
{
  if (error == NULL)
    return "ok";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (error->domain == SD_LLM_ERROR)
    switch (error->code)
      {
      case SD_LLM_ERROR_UNREACHABLE: return "unreachable";
      case SD_LLM_ERROR_TIMEOUT: return "timeout";
      case SD_LLM_ERROR_HTTP: return "http_error";
      case SD_LLM_ERROR_BAD_URL: return "bad_url";
      default: return "bad_response";
      }
  return "unreachable";
}

void
sd_llm_completion_free (SdLlmCompletion *c)
{
  if (c == NULL)
    return;
  g_free (c->text);
  g_free (c);
}

/* --- where a URL points ------------------------------------------------------------------ */

static gboolean
private_address (GInetAddress *address)
{
  return g_inet_address_get_is_site_local (address) || g_inet_address_get_is_link_local (address) ||
         /* IPv6 unique local addresses, fc00::/7: GLib calls them neither */
         (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
          (g_inet_address_to_bytes (address)[0] & 0xfe) == 0xfc);
}

SdLlmUrlKind
sd_llm_url_kind (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme, *host;

  if (uri == NULL)
    return SD_LLM_URL_INVALID;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      host == NULL || *host == '\0')
    return SD_LLM_URL_INVALID;

  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  if (address)
    return g_inet_address_get_is_loopback (address) ? SD_LLM_URL_LOOPBACK
           : private_address (address) ? SD_LLM_URL_LAN : SD_LLM_URL_REMOTE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_suffix (host, ".localhost"))
    return SD_LLM_URL_LOOPBACK;
  /* names the local network gives out; a dotless name is a machine on it */
  if (strchr (host, '.') == NULL || g_str_has_suffix (host, ".local") || g_str_has_suffix (host, ".lan") ||
      g_str_has_suffix (host, ".home.arpa") || g_str_has_suffix (host, ".internal"))
    return SD_LLM_URL_LAN;
  return SD_LLM_URL_REMOTE;
}

/* --- the client ----------------------------------------------------------------------- */

static void
sd_llm_client_finalize (GObject *object)
{
  SdLlmClient *self = SD_LLM_CLIENT (object);

  g_free (self->endpoint);
  g_free (self->model);
  if (self->api_key)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  G_OBJECT_CLASS (sd_llm_client_parent_class)->finalize (object);
}

static void
sd_llm_client_class_init (SdLlmClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_llm_client_finalize;
}

static void
sd_llm_client_init (SdLlmClient *self)
{
  self->stall_seconds = 20;
  self->total_seconds = 60;
  self->max_tokens = 400;
}

SdLlmClient *
sd_llm_client_new (const char *base_url,
                   const char *model)
{
  SdLlmClient *self = g_object_new (SD_TYPE_LLM_CLIENT, NULL);
  g_autofree char *base = g_strdup (base_url ? base_url : "");

  g_strstrip (base);
  while (*base && base[strlen (base) - 1] == '/')
    base[strlen (base) - 1] = '\0';
  if (g_str_has_suffix (base, "/chat/completions"))
    self->endpoint = g_strdup (base);
  else if (g_str_has_suffix (base, "/v1"))
    self->endpoint = g_strconcat (base, "/chat/completions", NULL);
  else
    self->endpoint = g_strconcat (base, "/v1/chat/completions", NULL);
  self->model = g_strdup (model && *model ? model : "default");
  return self;
}

const char *
sd_llm_client_get_endpoint (SdLlmClient *self)
{
  g_return_val_if_fail (SD_IS_LLM_CLIENT (self), NULL);
  return self->endpoint;
}

void
sd_llm_client_set_api_key (SdLlmClient *self,
                           const char  *api_key)
{
  g_return_if_fail (SD_IS_LLM_CLIENT (self));
  g_free (self->api_key);
  self->api_key = api_key && *api_key ? g_strdup (api_key) : NULL;
}

void
sd_llm_client_set_timeouts (SdLlmClient *self,
                            guint        stall_seconds,
                            guint        total_seconds)
{
  g_return_if_fail (SD_IS_LLM_CLIENT (self));
  self->stall_seconds = MAX (stall_seconds, 1);
  self->total_seconds = MAX (total_seconds, self->stall_seconds);
}

void
sd_llm_client_set_max_tokens (SdLlmClient *self,
                              guint        max_tokens)
{
  g_return_if_fail (SD_IS_LLM_CLIENT (self));
  self->max_tokens = MAX (max_tokens, 16);
}

static GBytes *
request_body (SdLlmClient *self,
              const char  *system_prompt,
              const char  *user_prompt)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, self->model);
  json_builder_set_member_name (b, "stream");
  json_builder_add_boolean_value (b, TRUE);
  /* phrasing, not inventing: a low temperature */
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, 0.25);
  json_builder_set_member_name (b, "max_tokens");
  json_builder_add_int_value (b, self->max_tokens);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "system");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, system_prompt);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, user_prompt);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  return g_bytes_new_take (text, len);
}

/* Errors of the connection itself, before any reply: worth one more try. */
static gboolean
connection_error (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING);
}

static void
set_transport_error (GError     **error,
                     GError      *cause,
                     const char  *endpoint)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_TIMEOUT,
                   _("The language model at %s stopped answering"), endpoint);
      g_error_free (cause);
    }
  else
    {
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_UNREACHABLE,
                   _("The language model at %s is unreachable: %s"), endpoint, cause->message);
      g_error_free (cause);
    }
}

typedef struct {
  GString        *text;
  guint           chunks;
  gint64          usage_tokens;
  SdLlmTokenFunc  on_token;
  gpointer        user_data;
  gint64          start_us;
  gint64          first_us;
} Reading;

/* One chunk (or a whole non-streamed reply): its text goes on; an error object stops. */
static gboolean
take_chunk (Reading     *r,
            const char  *json,
            gsize        len,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *choice, *part;
  JsonArray *choices;
  const char *content = NULL;

  if (!json_parser_load_from_data (parser, json, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_BAD_RESPONSE,
                   _("The language model server sent something that is not a chat completion"));
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "error"))
    {
      JsonNode *e = json_object_get_member (root, "error");
      const char *message = JSON_NODE_HOLDS_OBJECT (e) ? json_object_get_string_member_with_default (json_node_get_object (e), "message", "?")
                            : JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING ? json_node_get_string (e) : "?";
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_BAD_RESPONSE, _("The language model server reported an error: %s"), message);
      return FALSE;
    }
  if (json_object_has_member (root, "usage") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "usage")))
    r->usage_tokens = json_object_get_int_member_with_default (json_object_get_object_member (root, "usage"),
                                                               "completion_tokens", r->usage_tokens);
  choices = json_object_has_member (root, "choices") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "choices"))
            ? json_object_get_array_member (root, "choices") : NULL;
  if (choices == NULL || json_array_get_length (choices) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    return TRUE;   /* a usage-only chunk */
  choice = json_array_get_object_element (choices, 0);
  part = json_object_has_member (choice, "delta") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (choice, "delta"))
         ? json_object_get_object_member (choice, "delta")
         : json_object_has_member (choice, "message") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (choice, "message"))
         ? json_object_get_object_member (choice, "message") : NULL;
  if (part && json_object_has_member (part, "content") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (part, "content")) &&
      json_node_get_value_type (json_object_get_member (part, "content")) == G_TYPE_STRING)
    content = json_object_get_string_member (part, "content");
  if (content && *content)
    {
      if (r->first_us == 0)
        r->first_us = g_get_monotonic_time ();
      g_string_append (r->text, content);
      r->chunks++;
      if (r->on_token)
        r->on_token (content, r->user_data);
    }
  return TRUE;
}

SdLlmCompletion *
sd_llm_client_complete (SdLlmClient     *self,
                        const char      *system_prompt,
                        const char      *user_prompt,
                        SdLlmTokenFunc   on_token,
                        gpointer         user_data,
                        GCancellable    *cancellable,
                        GError         **error)
{
  g_return_val_if_fail (SD_IS_LLM_CLIENT (self), NULL);

  if (sd_llm_url_kind (self->endpoint) == SD_LLM_URL_INVALID)
    {
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_BAD_URL,
                   _("“%s” is not an http:// or https:// address of a language model server"), self->endpoint);
      return NULL;
    }

  /* a session of this call's own: the caller's thread is the only one that uses it */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", self->stall_seconds,
                                                                  "user-agent", "Shopdesk/" VERSION,
                                                                  NULL);
  /* a server on this machine or the local network is talked to directly, never through a
   * proxy the desktop may have set for the internet */
  if (sd_llm_url_kind (self->endpoint) != SD_LLM_URL_REMOTE)
    soup_session_set_proxy_resolver (session, NULL);
  g_autoptr(GBytes) body = request_body (self, system_prompt ? system_prompt : "", user_prompt ? user_prompt : "");
  Reading r = { g_string_new (NULL), 0, -1, on_token, user_data, g_get_monotonic_time (), 0 };
  guint attempt;

  for (attempt = 1; attempt <= 2; attempt++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", self->endpoint);
      g_autoptr(GError) local = NULL;
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GDataInputStream) lines = NULL;
      gboolean event_stream;

      if (msg == NULL)
        {
          g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_BAD_URL,
                       _("“%s” is not an address of a language model server"), self->endpoint);
          goto fail;
        }
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "text/event-stream");
      if (self->api_key)
        {
          g_autofree char *auth = g_strconcat ("Bearer ", self->api_key, NULL);
          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
        }

      stream = soup_session_send (session, msg, cancellable, &local);
      if (stream == NULL)
        {
          if (attempt == 1 && connection_error (local) && !g_cancellable_is_cancelled (cancellable))
            {
              g_usleep (200 * 1000);
              continue;
            }
          set_transport_error (error, g_steal_pointer (&local), self->endpoint);
          goto fail;
        }
      if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
        {
          g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_HTTP, _("The language model server answered %u %s"),
                       soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
          goto fail;
        }

      {
        const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
        event_stream = type == NULL || g_ascii_strcasecmp (type, "application/json") != 0;
      }
      lines = g_data_input_stream_new (stream);
      g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);
      if (!event_stream)
        {
          /* a server that does not stream answers with the whole completion at once */
          g_autoptr(GBytes) all = NULL;
          g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
          if (g_output_stream_splice (sink, G_INPUT_STREAM (lines), G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                      cancellable, &local) < 0)
            {
              set_transport_error (error, g_steal_pointer (&local), self->endpoint);
              goto fail;
            }
          all = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
          if (!take_chunk (&r, g_bytes_get_data (all, NULL), g_bytes_get_size (all), error))
            goto fail;
          break;
        }

      for (;;)
        {
          gsize len = 0;
          g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, &len, cancellable, &local);
          if (local)
            {
              if (attempt == 1 && r.chunks == 0 && connection_error (local) && !g_cancellable_is_cancelled (cancellable))
                break;
              set_transport_error (error, g_steal_pointer (&local), self->endpoint);
              goto fail;
            }
          if (line == NULL)
            break;   /* the server closed the stream */
          if (g_str_has_prefix (line, "data:"))
            {
              const char *payload = line + 5;
              while (*payload == ' ')
                payload++;
              if (strcmp (payload, "[DONE]") == 0)
                break;
              if (!take_chunk (&r, payload, strlen (payload), error))
                goto fail;
            }
          if (g_get_monotonic_time () - r.start_us > (gint64) self->total_seconds * G_USEC_PER_SEC)
            {
              g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_TIMEOUT,
                           _("The language model at %s took longer than %u s"), self->endpoint, self->total_seconds);
              goto fail;
            }
        }
      if (local == NULL || r.chunks > 0)
        break;
      /* the connection dropped before any text: once more */
      g_usleep (200 * 1000);
    }

  if (attempt > 2)
    {
      g_set_error (error, SD_LLM_ERROR, SD_LLM_ERROR_UNREACHABLE,
                   _("The language model at %s is unreachable"), self->endpoint);
      goto fail;
    }

  {
    SdLlmCompletion *c = g_new0 (SdLlmCompletion, 1);
    gint64 now = g_get_monotonic_time ();
    c->tokens = r.usage_tokens >= 0 ? (guint) r.usage_tokens : r.chunks;
    c->latency_ms = (now - r.start_us) / 1000;
    c->first_ms = r.first_us ? (r.first_us - r.start_us) / 1000 : c->latency_ms;
    c->attempts = MIN (attempt, 2);
    c->text = g_string_free (r.text, FALSE);
    return c;
  }

fail:
  g_string_free (r.text, TRUE);
  return NULL;
}

/* --- the API key ------------------------------------------------------------------------ */

static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.shopdesk.Shopdesk.LanguageModelKey", SECRET_SCHEMA_NONE,
    { { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

static char *
keyring_lookup (const char  *endpoint,
                gpointer     user_data,
                GError     **error)
{
  const char *env = g_getenv ("SHOPDESK_LLM_API_KEY");
  char *secret;
  char *copy;

  if (env)
    return *env ? g_strdup (env) : NULL;
  secret = secret_password_lookup_sync (key_schema (), NULL, error, "endpoint", endpoint, NULL);
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

static gboolean
keyring_store (const char  *endpoint,
               const char  *key,
               gpointer     user_data,
               GError     **error)
{
  if (key == NULL || *key == '\0')
    {
      g_autoptr(GError) local = NULL;
      secret_password_clear_sync (key_schema (), NULL, &local, "endpoint", endpoint, NULL);
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      return TRUE;
    }
  {
    g_autofree char *label = g_strdup_printf (_("Shopdesk: API key for the language model at %s"), endpoint);
    return secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT, label, key, NULL, error,
                                       "endpoint", endpoint, NULL);
  }
}

static struct {
  SdLlmKeyLookupFunc lookup;
  SdLlmKeyStoreFunc  store;
  gpointer           data;
} key_source = { keyring_lookup, keyring_store, NULL };

void
sd_llm_key_set_source (SdLlmKeyLookupFunc lookup,
                       SdLlmKeyStoreFunc  store,
                       gpointer           user_data)
{
  key_source.lookup = lookup ? lookup : keyring_lookup;
  key_source.store = store ? store : keyring_store;
  key_source.data = user_data;
}

char *
sd_llm_key_lookup (const char  *endpoint,
                   GError     **error)
{
  return key_source.lookup (endpoint, key_source.data, error);
}

gboolean
sd_llm_key_store (const char  *endpoint,
                  const char  *key,
                  GError     **error)
{
  return key_source.store (endpoint, key, key_source.data, error);
}
