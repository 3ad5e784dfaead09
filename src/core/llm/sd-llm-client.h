/* sd-llm-client.h — a client for OpenAI-compatible chat-completions servers
 *
 * llama.cpp's llama-server, Ollama, vLLM and LocalAI all speak POST /v1/chat/completions.
 * The client streams (server-sent events), so a reply can be shown as it is written; it
 * gives up on a server that stops sending for the stall timeout or takes longer than the
 * total timeout, stops at once when cancelled, and tries a second time only when the
 * connection itself failed before any text arrived. Calls block the calling thread: use
 * it from a worker (the Chatbot page's generation task) or a command-line tool.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_LLM_ERROR (sd_llm_error_quark ())

typedef enum {
  SD_LLM_ERROR_UNREACHABLE,    /* no connection (refused, no route, name not found) */
  SD_LLM_ERROR_TIMEOUT,        /* stalled, or over the total time */
  SD_LLM_ERROR_HTTP,           /* an HTTP status other than 2xx */
  SD_LLM_ERROR_BAD_RESPONSE,   /* not the chat-completions protocol */
  SD_LLM_ERROR_BAD_URL,
} SdLlmError;

GQuark      sd_llm_error_quark     (void);
/* "unreachable", "timeout", "http_error", "bad_response", "cancelled" for an error of
 * the client (or G_IO_ERROR_CANCELLED); "ok" for NULL. */
const char *sd_llm_error_to_status (const GError *error);

typedef enum {
  SD_LLM_URL_INVALID,
  SD_LLM_URL_LOOPBACK,   /* this machine */
  SD_LLM_URL_LAN,        /* a private address or a .local / .lan / dotless name */
  SD_LLM_URL_REMOTE,     /* anything else: customer messages would leave the network */
} SdLlmUrlKind;

/* Where @url points, from its host (names are not resolved: "localhost" is loopback). */
SdLlmUrlKind sd_llm_url_kind (const char *url);

typedef struct {
  char   *text;
  guint   tokens;        /* the server's completion_tokens when it says, else the chunks */
  gint64  latency_ms;    /* from the request to the last chunk */
  gint64  first_ms;      /* to the first chunk */
  guint   attempts;      /* 2 when the first connection failed */
} SdLlmCompletion;

void sd_llm_completion_free (SdLlmCompletion *completion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdLlmCompletion, sd_llm_completion_free)

/* Called from the calling thread for each piece of text as it arrives. */
typedef void (*SdLlmTokenFunc) (const char *delta,
                                gpointer    user_data);

#define SD_TYPE_LLM_CLIENT (sd_llm_client_get_type ())
G_DECLARE_FINAL_TYPE (SdLlmClient, sd_llm_client, SD, LLM_CLIENT, GObject)

/* @base_url: "http://127.0.0.1:8080", ".../v1" or the full ".../v1/chat/completions".
 * @model: the server's model name (llama-server ignores it; Ollama needs it), or NULL. */
SdLlmClient *sd_llm_client_new          (const char  *base_url,
                                         const char  *model);
const char  *sd_llm_client_get_endpoint (SdLlmClient *self);
void         sd_llm_client_set_api_key  (SdLlmClient *self,
                                         const char  *api_key);
/* Seconds without a byte before giving up (default 20), and for the whole reply (60). */
void         sd_llm_client_set_timeouts (SdLlmClient *self,
                                         guint        stall_seconds,
                                         guint        total_seconds);
void         sd_llm_client_set_max_tokens (SdLlmClient *self,
                                           guint        max_tokens);

/* Sends a system and a user message; streams the reply through @on_token. */
SdLlmCompletion *sd_llm_client_complete (SdLlmClient     *self,
                                         const char      *system_prompt,
                                         const char      *user_prompt,
                                         SdLlmTokenFunc   on_token,
                                         gpointer         user_data,
                                         GCancellable    *cancellable,
                                         GError         **error);

/* --- the API key ---------------------------------------------------------------------- */

/* Where the key for a server comes from. The default reads SHOPDESK_LLM_API_KEY when it is
 * set (scripts, CI) and the user's keyring (libsecret) otherwise; tests plug in their own
 * so that they never need a keyring. Lookups may block: not on the main thread. */
typedef char    *(*SdLlmKeyLookupFunc) (const char  *endpoint,
                                        gpointer     user_data,
                                        GError     **error);
typedef gboolean (*SdLlmKeyStoreFunc)  (const char  *endpoint,
                                        const char  *key,
                                        gpointer     user_data,
                                        GError     **error);

void      sd_llm_key_set_source (SdLlmKeyLookupFunc  lookup,
                                 SdLlmKeyStoreFunc   store,
                                 gpointer            user_data);
/* The key for @endpoint, or NULL (none is not an error: local servers need none). */
char     *sd_llm_key_lookup     (const char  *endpoint,
                                 GError     **error);
/* Stores @key for @endpoint (in the keyring by default); an empty or NULL key removes it. */
gboolean  sd_llm_key_store      (const char  *endpoint,
                                 const char  *key,
                                 GError     **error);

G_END_DECLS
