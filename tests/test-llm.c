/* test-llm.c — the language-model client, the generated replies and their fallbacks,
 * against a scripted chat-completions server on loopback (llm-test-server.h)
 *
 * No keyring is needed: the key source is replaced by one in memory. What the server
 * received is read back to check that no other customer's data, and not this customer's
 * name or e-mail, left the process.
 */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "llm-test-server.h"
#include "sd-dialogue.h"
#include "sd-json.h"
#include "sd-llm-reply.h"

typedef struct {
  char        *dir;
  char        *path;
  SdStore     *store;
  SdDialogue  *dialogue;
  TestServer  *server;
} Fixture;

/* Intents by keyword: these tests are about what is sent and said, not understanding,
 * and a trained classifier would cost a second of CPU per dialogue. */
static guint
keyword_classifier (const char    *text,
                    const char    *lang,
                    SdIntentGuess *top,
                    guint          n,
                    gboolean      *out_of_scope,
                    gpointer       user_data)
{
  static const struct { const char *word, *intent; } words[] = {
    { "order", "order_status" }, { "订单", "order_status" }, { "recommend", "recommendation_request" },
    { "coupon", "coupons_discounts" }, { "return", "return_refund" }, { "hi", "greeting" },
  };
  g_autofree char *lower = g_utf8_strdown (text, -1);

  *out_of_scope = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (words) && n > 0; i++)
    if (strstr (lower, words[i].word))
      {
        top[0].intent = words[i].intent;
        top[0].prob = 0.95;
        return 1;
      }
  *out_of_scope = TRUE;
  return 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-llm-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_store_exec (f->store,
    "INSERT INTO customers (id, external_id, name, email) VALUES "
    "  (1, 'C1', 'Alice Archer', 'alice@example.com'), (2, 'C2', 'Bob Brown', 'bob@example.com');"
    "INSERT INTO products (id, external_id, title, description, category, price_cents, stock) VALUES "
    "  (1, 'P1', 'Vintage ceramic mug', 'A 350 ml stoneware mug.', 'Kitchen', 1250, 12),"
    "  (2, 'P2', 'Wireless headphones', 'Over-ear, 30 hours of battery.', 'Electronics', 5999, 3);"
    "INSERT INTO product_texts (product_id, lang, title) VALUES (1, 'zh_CN', '复古陶瓷马克杯'), (2, 'zh_CN', '无线耳机');"
    "INSERT INTO orders (id, external_id, customer_id, placed_at, status, total_cents) VALUES "
    "  (1, 'SD-100001', 1, 1714000000, 'shipped', 2500),"
    "  (2, 'SD-100002', 2, 1714100000, 'paid', 5999);"
    "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES "
    "  (1, 1, 1, 2, 1250), (2, 1, 2, 1, 5999);", &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_set_setting (f->store, "policy.returns.en", "Unused items can be returned within 30 days of delivery.", NULL));
  g_assert_true (sd_store_set_setting (f->store, "orders.eta.shipped.en", "It usually arrives 2–5 working days after dispatch.", NULL));
  g_assert_true (sd_store_set_setting (f->store, "shop.reference_time", "1714400000", NULL));
  g_assert_true (sd_store_set_setting (f->store, "chat.tone", "warm and brief", NULL));
  /* a dialogue trains its sentiment model first: only for the tests that talk */
  if (data)
    {
      f->dialogue = sd_dialogue_new (f->store, &error);
      g_assert_no_error (error);
      sd_dialogue_set_classifier (f->dialogue, keyword_classifier, NULL, NULL);
    }
  f->server = test_server_start ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  test_server_stop (f->server);
  if (f->dialogue)
    g_assert_finalize_object (f->dialogue);
  g_assert_finalize_object (f->store);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* --- the client ------------------------------------------------------------------------- */

typedef struct {
  guint    calls;
  GString *text;
} Tokens;

static void
on_token (const char *delta, gpointer data)
{
  Tokens *t = data;
  t->calls++;
  g_string_append (t->text, delta);
}

static SdLlmClient *
client_for (Fixture *f)
{
  SdLlmClient *client = sd_llm_client_new (f->server->url, "test-model");
  sd_llm_client_set_timeouts (client, 1, 10);
  return client;
}

static void
test_url_kind (void)
{
  g_assert_cmpint (sd_llm_url_kind ("http://127.0.0.1:8080"), ==, SD_LLM_URL_LOOPBACK);
  g_assert_cmpint (sd_llm_url_kind ("http://localhost:11434/v1"), ==, SD_LLM_URL_LOOPBACK);
  g_assert_cmpint (sd_llm_url_kind ("http://[::1]:8080"), ==, SD_LLM_URL_LOOPBACK);
  g_assert_cmpint (sd_llm_url_kind ("http://192.168.1.20:8080"), ==, SD_LLM_URL_LAN);
  g_assert_cmpint (sd_llm_url_kind ("http://10.0.0.5"), ==, SD_LLM_URL_LAN);
  g_assert_cmpint (sd_llm_url_kind ("http://gpu-box:8000"), ==, SD_LLM_URL_LAN);
  g_assert_cmpint (sd_llm_url_kind ("http://llm.local:8000"), ==, SD_LLM_URL_LAN);
  g_assert_cmpint (sd_llm_url_kind ("https://api.example.com/v1"), ==, SD_LLM_URL_REMOTE);
  g_assert_cmpint (sd_llm_url_kind ("http://8.8.8.8"), ==, SD_LLM_URL_REMOTE);
  g_assert_cmpint (sd_llm_url_kind ("ftp://127.0.0.1"), ==, SD_LLM_URL_INVALID);
  g_assert_cmpint (sd_llm_url_kind ("not a url"), ==, SD_LLM_URL_INVALID);
  g_assert_cmpint (sd_llm_url_kind (NULL), ==, SD_LLM_URL_INVALID);
}

static void
test_endpoint (void)
{
  g_autoptr(SdLlmClient) a = sd_llm_client_new ("http://127.0.0.1:8080", NULL);
  g_autoptr(SdLlmClient) b = sd_llm_client_new ("http://127.0.0.1:11434/v1/", NULL);
  g_autoptr(SdLlmClient) c = sd_llm_client_new ("http://host/v1/chat/completions", NULL);

  g_assert_cmpstr (sd_llm_client_get_endpoint (a), ==, "http://127.0.0.1:8080/v1/chat/completions");
  g_assert_cmpstr (sd_llm_client_get_endpoint (b), ==, "http://127.0.0.1:11434/v1/chat/completions");
  g_assert_cmpstr (sd_llm_client_get_endpoint (c), ==, "http://host/v1/chat/completions");
}

static void
test_stream (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;
  Tokens tokens = { 0, g_string_new (NULL) };
  const char *text = "Streaming works: 你好, one piece at a time.";

  test_server_set (f->server, SCRIPT_FIXED, text);
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "system", "Draft reply: x", on_token, &tokens, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->text, ==, text);
  g_assert_cmpstr (tokens.text->str, ==, text);
  /* it came in pieces, each handed on as it arrived */
  g_assert_cmpuint (tokens.calls, >, 3);
  g_assert_cmpuint (c->tokens, ==, tokens.calls);
  g_assert_cmpint (c->first_ms, <=, c->latency_ms);
  g_assert_cmpuint (c->attempts, ==, 1);
  /* the request was a streamed chat completion with both messages */
  g_assert_nonnull (strstr (f->server->bodies->pdata[0], "\"stream\":true"));
  g_assert_nonnull (strstr (f->server->bodies->pdata[0], "\"model\":\"test-model\""));
  g_assert_nonnull (strstr (f->server->bodies->pdata[0], "\"role\":\"system\""));
  g_string_free (tokens.text, TRUE);
}

static void
test_not_streamed (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;

  test_server_set (f->server, SCRIPT_NOT_STREAMED, "All at once.");
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->text, ==, "All at once.");
  g_assert_cmpuint (c->tokens, ==, 7);
}

static void
test_http_500 (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;

  test_server_set (f->server, SCRIPT_HTTP_500, NULL);
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", NULL, NULL, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, SD_LLM_ERROR, SD_LLM_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "500"));
  g_assert_cmpstr (sd_llm_error_to_status (error), ==, "http_error");
  /* a server that answered is not tried again */
  g_assert_cmpuint (f->server->bodies->len, ==, 1);
}

static void
test_stall (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;
  Tokens tokens = { 0, g_string_new (NULL) };
  gint64 start = g_get_monotonic_time ();

  test_server_set (f->server, SCRIPT_STALL, "This stream stops after its first piece.");
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", on_token, &tokens, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, SD_LLM_ERROR, SD_LLM_ERROR_TIMEOUT);
  /* the first piece arrived, then the stall timeout (1 s) ended it */
  g_assert_cmpuint (tokens.calls, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_string_free (tokens.text, TRUE);
}

static void
test_dead (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GInetSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* a port that was free a moment ago and has nobody listening */
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket, &error));
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (bound));
  g_socket_close (socket, NULL);

  g_autoptr(SdLlmClient) client = sd_llm_client_new (url, NULL);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", NULL, NULL, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, SD_LLM_ERROR, SD_LLM_ERROR_UNREACHABLE);
  g_assert_cmpstr (sd_llm_error_to_status (error), ==, "unreachable");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_retry (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;

  test_server_set (f->server, SCRIPT_DROP_ONCE, NULL);
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "Draft reply: Second time lucky.", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->text, ==, "Second time lucky.");
  g_assert_cmpuint (c->attempts, ==, 2);
  g_assert_cmpuint (f->server->bodies->len, ==, 2);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(SdLlmClient) client = sd_llm_client_new (f->server->url, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GThread *thread;

  sd_llm_client_set_timeouts (client, 30, 60);
  test_server_set (f->server, SCRIPT_STALL, "Stalls until cancelled.");
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", NULL, NULL, cancellable, &error);
  g_thread_join (thread);
  g_assert_null (c);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (sd_llm_error_to_status (error), ==, "cancelled");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static char *
memory_lookup (const char *endpoint, gpointer data, GError **error)
{
  return g_strdup (g_hash_table_lookup (data, endpoint));
}

static gboolean
memory_store (const char *endpoint, const char *key, gpointer data, GError **error)
{
  if (key && *key)
    g_hash_table_insert (data, g_strdup (endpoint), g_strdup (key));
  else
    g_hash_table_remove (data, endpoint);
  return TRUE;
}

static void
test_api_key (Fixture *f, gconstpointer data)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  sd_llm_key_set_source (memory_lookup, memory_store, keys);
  g_assert_null (sd_llm_key_lookup (sd_llm_client_get_endpoint (client), &error));
  g_assert_true (sd_llm_key_store (sd_llm_client_get_endpoint (client), "sk-test-123", &error));
  key = sd_llm_key_lookup (sd_llm_client_get_endpoint (client), &error);
  g_assert_cmpstr (key, ==, "sk-test-123");
  sd_llm_client_set_api_key (client, key);
  test_server_set (f->server, SCRIPT_FIXED, "ok");
  g_autoptr(SdLlmCompletion) c = sd_llm_client_complete (client, "s", "u", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (f->server->auth->pdata[0], ==, "Bearer sk-test-123");
  /* the key travels in the header, never in the body */
  g_assert_null (strstr (f->server->bodies->pdata[0], "sk-test-123"));
  g_assert_true (sd_llm_key_store (sd_llm_client_get_endpoint (client), "", &error));
  g_assert_null (sd_llm_key_lookup (sd_llm_client_get_endpoint (client), &error));

  /* the default source reads the environment first, so scripts and CI need no keyring */
  sd_llm_key_set_source (NULL, NULL, NULL);
  g_setenv ("SHOPDESK_LLM_API_KEY", "sk-from-env", TRUE);
  g_free (key);
  key = sd_llm_key_lookup ("http://127.0.0.1:1/v1/chat/completions", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-from-env");
  g_unsetenv ("SHOPDESK_LLM_API_KEY");
}

/* --- generated replies ------------------------------------------------------------------- */

static SdTurnGeneration *
generate (Fixture *f, SdTurnTrace *trace, Tokens *tokens)
{
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdLlmShopContext) shop = sd_llm_shop_context_load (f->store, &error);

  g_assert_no_error (error);
  return sd_llm_reply_generate (client, shop, "Alice Archer", trace, tokens ? on_token : NULL, tokens, NULL);
}

static SdTurnTrace *
order_turn (Fixture *f)
{
  g_autoptr(SdChatSession) session = sd_chat_session_new (1, "en");
  SdTurnTrace *trace = sd_dialogue_respond (f->dialogue, session, "Where is my order SD-100001?");

  g_assert_cmpstr (trace->intent, ==, "order_status");
  g_assert_true (g_strv_contains ((const char *const *) trace->fact_values, "SD-100001"));
  g_assert_true (sd_llm_reply_wanted (trace));
  return trace;
}

static void
test_reply_faithful (Fixture *f, gconstpointer data)
{
  g_autoptr(SdTurnTrace) trace = order_turn (f);
  g_autofree char *template_reply = g_strdup (trace->reply);
  const char *paraphrase = "Good news: your order SD-100001 has shipped! It holds two Vintage ceramic mugs and "
                           "usually arrives 2 to 5 working days after dispatch.";
  Tokens tokens = { 0, g_string_new (NULL) };

  /* a reasoning model's thinking comes first, with numbers of its own: it is dropped */
  g_autofree char *with_thinking = g_strconcat ("<think>The customer wants order 42, maybe £999.</think>\n", paraphrase, NULL);
  test_server_set (f->server, SCRIPT_FIXED, with_thinking);
  SdTurnGeneration *g = generate (f, trace, &tokens);
  g_assert_true (g->used);
  g_assert_cmpstr (g->status, ==, "ok");
  g_assert_null (g->rejected_reason);
  g_assert_cmpuint (g->tokens, >, 3);
  g_assert_cmpuint (tokens.calls, ==, g->tokens);
  g_assert_cmpstr (g->text, ==, paraphrase);
  g_assert_null (sd_llm_reply_status_text (g));
  sd_turn_trace_set_generation (trace, g);
  g_assert_cmpstr (trace->reply, ==, paraphrase);
  g_assert_cmpstr (trace->generation->template_reply, ==, template_reply);
  {
    /* --json traces carry the generation */
    g_autofree char *json = sd_turn_trace_to_json (trace);
    g_assert_nonnull (strstr (json, "\"generation\":{\"used\":true"));
    g_assert_nonnull (strstr (json, "\"latency_ms\":"));
    g_assert_nonnull (strstr (json, "\"tokens\":"));
  }
  /* the prompt: the facts as a list, the draft, intent, mood, language and the shop's tone */
  {
    const char *body = f->server->bodies->pdata[0];
    g_assert_nonnull (strstr (body, "- order_id: SD-100001"));
    g_assert_nonnull (strstr (body, "Draft reply: "));
    g_assert_nonnull (strstr (body, "Intent: order_status"));
    g_assert_nonnull (strstr (body, "Customer's mood: "));
    g_assert_nonnull (strstr (body, "English (en)"));
    g_assert_nonnull (strstr (body, "warm and brief"));
  }
  g_string_free (tokens.text, TRUE);
}

typedef struct {
  Script      script;
  const char *fixed;
  const char *reason;
  const char *detail;   /* in the detail, or NULL */
} Unfaithful;

static void
test_reply_unfaithful (Fixture *f, gconstpointer data)
{
  static const Unfaithful cases[] = {
    { SCRIPT_INVENT_PRICE, NULL, "invented_number", "999.99" },
    { SCRIPT_INVENT_ORDER, NULL, "invented_number", "999999" },
    { SCRIPT_FIXED, "您的订单SD-100001已经发货了，通常发货后2到5个工作日送达。", "wrong_language", NULL },
    { SCRIPT_FIXED, "Order SD-100001 has shipped, and your refund has been approved.", "unsupported_promise", "refund" },
    { SCRIPT_FIXED, "Order SD-100001 has shipped with your Wireless headphones.", "unknown_product", "Wireless headphones" },
    { SCRIPT_HTTP_500, NULL, "http_error", "500" },
    { SCRIPT_STALL, "Order SD-100001 has", "timeout", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdTurnTrace) trace = order_turn (f);
      g_autofree char *template_reply = g_strdup (trace->reply);
      SdTurnGeneration *g;

      test_server_set (f->server, cases[i].script, cases[i].fixed);
      g = generate (f, trace, NULL);
      g_test_message ("%s: %s — %s", cases[i].reason, g->rejected_reason, g->rejected_detail);
      g_assert_false (g->used);
      g_assert_cmpstr (g->rejected_reason, ==, cases[i].reason);
      g_assert_nonnull (g->rejected_detail);
      if (cases[i].detail)
        g_assert_nonnull (strstr (g->rejected_detail, cases[i].detail));
      g_assert_nonnull (sd_llm_reply_status_text (g));
      sd_turn_trace_set_generation (trace, g);
      /* the template reply is what the customer gets */
      g_assert_cmpstr (trace->reply, ==, template_reply);
    }
}

static void
test_reply_unreachable (Fixture *f, gconstpointer data)
{
  g_autoptr(SdTurnTrace) trace = order_turn (f);
  g_autoptr(SdLlmClient) client = sd_llm_client_new ("http://127.0.0.1:9", NULL);
  g_autofree char *template_reply = g_strdup (trace->reply);
  SdTurnGeneration *g = sd_llm_reply_generate (client, NULL, NULL, trace, NULL, NULL, NULL);

  g_assert_false (g->used);
  g_assert_cmpstr (g->status, ==, "unreachable");
  g_assert_cmpstr (sd_llm_reply_status_text (g), ==, "language model unreachable — answered from templates");
  sd_turn_trace_set_generation (trace, g);
  g_assert_cmpstr (trace->reply, ==, template_reply);
}

/* Every request body of a conversation as Alice: nothing of Bob, nothing identifying Alice. */
static void
test_privacy (Fixture *f, gconstpointer data)
{
  static const char *const messages[] = {
    "hi", "Where is my order SD-100001?", "and what about order SD-100002?",
    "my email is alice@example.com and my phone is +44 20 7946 0958, where is SD-100001?",
    "can you recommend something?", "any coupons for me?", "can I return it?", "我的订单SD-100001到哪了？",
  };
  static const char *const never[] = {
    "Bob", "Brown", "bob@example.com", "SD-100002", "100002",
    "Alice", "Archer", "alice@example.com", "7946 0958",
  };
  g_autoptr(SdChatSession) session = sd_chat_session_new (1, "en");
  g_autoptr(SdLlmClient) client = client_for (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdLlmShopContext) shop = sd_llm_shop_context_load (f->store, &error);
  guint generated = 0;
  gboolean greeted = FALSE;

  g_assert_no_error (error);
  test_server_set (f->server, SCRIPT_ECHO_DRAFT, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(SdTurnTrace) trace = sd_dialogue_respond (f->dialogue, session, messages[i]);
      if (!sd_llm_reply_wanted (trace))
        {
          /* Bob's order is refused in the template's words, and never sent */
          g_assert_cmpint (trace->action, ==, SD_TURN_REFUSE);
          continue;
        }
      sd_turn_trace_set_generation (trace, sd_llm_reply_generate (client, shop, "Alice Archer", trace, NULL, NULL, NULL));
      generated++;
      /* the name left as a placeholder comes back on this machine */
      if (strstr (trace->reply, "Alice"))
        greeted = TRUE;
      g_assert_null (strstr (trace->reply, "[name"));
    }
  g_assert_cmpuint (f->server->bodies->len, ==, generated);
  g_assert_cmpuint (generated, >=, 6);
  g_assert_true (greeted);
  for (guint b = 0; b < f->server->bodies->len; b++)
    for (guint n = 0; n < G_N_ELEMENTS (never); n++)
      if (strstr (f->server->bodies->pdata[b], never[n]))
        g_error ("request %u contains “%s”: %s", b, never[n], (char *) f->server->bodies->pdata[b]);

  /* a shop that allows it sends the name */
  g_assert_true (sd_store_set_setting (f->store, "chat.llm.share_identity", "1", NULL));
  {
    g_autoptr(SdLlmShopContext) sharing = sd_llm_shop_context_load (f->store, &error);
    g_autoptr(SdChatSession) again = sd_chat_session_new (1, "en");
    g_autoptr(SdTurnTrace) trace = sd_dialogue_respond (f->dialogue, again, "hi");
    sd_turn_trace_set_generation (trace, sd_llm_reply_generate (client, sharing, "Alice Archer", trace, NULL, NULL, NULL));
    g_assert_nonnull (strstr (g_ptr_array_index (f->server->bodies, f->server->bodies->len - 1), "Alice"));
  }
}

/* A saved test conversation that checks facts, not wording, passes when only the wording
 * changed and fails when a fact did. */
static void
test_replay_facts (Fixture *f, gconstpointer data)
{
  g_autoptr(SdChatSession) session = sd_chat_session_new (1, "en");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTurnTrace) trace = sd_dialogue_respond (f->dialogue, session, "Where is my order SD-100001?");
  g_autofree char *exact = sd_chat_session_to_json (session);
  g_autofree char *facts = sd_chat_session_to_json_full (session, TRUE);
  g_autoptr(GPtrArray) same = NULL;
  g_autoptr(GPtrArray) reworded_exact = NULL;
  g_autoptr(GPtrArray) reworded_facts = NULL;
  g_autoptr(GPtrArray) changed = NULL;

  g_assert_nonnull (strstr (facts, "\"match\":\"facts\""));
  g_assert_nonnull (strstr (facts, "\"order_id\":\"SD-100001\""));
  same = sd_dialogue_replay (f->dialogue, 1, "en", facts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (same->len, ==, 0);

  /* the template is reworded: the exact test differs, the facts test still passes */
  g_assert_true (sd_store_exec (f->store, "UPDATE chat_templates SET text = 'Your order {order_id}: {status}. {items}. {eta}' "
                                          "WHERE intent = 'order_status' AND lang = 'en'", &error));
  reworded_exact = sd_dialogue_replay (f->dialogue, 1, "en", exact, &error);
  g_assert_cmpuint (reworded_exact->len, ==, 1);
  reworded_facts = sd_dialogue_replay (f->dialogue, 1, "en", facts, &error);
  g_assert_cmpuint (reworded_facts->len, ==, 0);

  /* a fact changes: the order is delivered now */
  g_assert_true (sd_store_exec (f->store, "UPDATE orders SET status = 'delivered' WHERE external_id = 'SD-100001'", &error));
  changed = sd_dialogue_replay (f->dialogue, 1, "en", facts, &error);
  g_assert_cmpuint (changed->len, ==, 1);
}

/* shopdesk-cli chat --llm-url: the trace's generation, and the fallbacks, from a terminal. */
static char *
run_chat (Fixture     *f,
          const char  *input,
          int         *status,
          char       **err,
          ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in = g_bytes_new (input, strlen (input));
  g_autoptr(GBytes) out = NULL, errors = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  /* an empty key: no keyring is asked */
  g_subprocess_launcher_setenv (launcher, "SHOPDESK_LLM_API_KEY", "", TRUE);
  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->path);
  g_ptr_array_add (argv, "chat");
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, in, NULL, &out, &errors, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (proc);
  *err = g_strndup (g_bytes_get_data (errors, NULL), g_bytes_get_size (errors));
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

static void
test_cli (Fixture *f, gconstpointer data)
{
  int status;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("SD_CLI") == NULL)
    {
      g_test_skip ("SD_CLI is not set: run through meson test");
      return;
    }
  test_server_set (f->server, SCRIPT_ECHO_DRAFT, NULL);
  out = run_chat (f, "Where is my order SD-100001?\n", &status, &err, "--customer", "C1", "--json",
                  "--llm-url", f->server->url, "--llm-model", "tiny", NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) trace = sd_json_parse (out, -1, "trace", &error);
    g_assert_no_error (error);
    SdJsonNode *gen = sd_json_node_get_member (trace, "generation");
    g_assert_nonnull (gen);
    g_assert_true (sd_json_node_get_boolean (sd_json_node_get_member (gen, "used")));
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (gen, "rejected_reason")), ==, SD_JSON_NULL);
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (gen, "latency_ms")), >=, 0);
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (gen, "tokens")), >, 1);
  }
  g_assert_nonnull (strstr (f->server->bodies->pdata[0], "\"model\":\"tiny\""));

  test_server_set (f->server, SCRIPT_INVENT_PRICE, NULL);
  g_free (out);
  g_free (err);
  out = run_chat (f, "Where is my order SD-100001?\n", &status, &err, "--customer", "C1", "--json",
                  "--llm-url", f->server->url, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"used\":false"));
  g_assert_nonnull (strstr (out, "\"rejected_reason\":\"invented_number\""));

  /* a dead server: the template reply, and why */
  g_free (out);
  g_free (err);
  out = run_chat (f, "Where is my order SD-100001?\n", &status, &err, "--customer", "C1",
                  "--llm-url", "http://127.0.0.1:9", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "bot> Order SD-100001"));
  g_assert_nonnull (strstr (out, "language model unreachable — answered from templates"));

  /* a server beyond the local network needs the user's say-so */
  g_free (out);
  g_free (err);
  out = run_chat (f, "hi\n", &status, &err, "--llm-url", "https://llm.example.com/v1", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "--llm-allow-remote"));
}

#define TALKS GINT_TO_POINTER (1)

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/llm/url-kind", test_url_kind);
  g_test_add_func ("/llm/endpoint", test_endpoint);
  g_test_add ("/llm/client/stream", Fixture, NULL, fixture_set_up, test_stream, fixture_tear_down);
  g_test_add ("/llm/client/not-streamed", Fixture, NULL, fixture_set_up, test_not_streamed, fixture_tear_down);
  g_test_add ("/llm/client/http-500", Fixture, NULL, fixture_set_up, test_http_500, fixture_tear_down);
  g_test_add ("/llm/client/stall", Fixture, NULL, fixture_set_up, test_stall, fixture_tear_down);
  g_test_add ("/llm/client/dead", Fixture, NULL, fixture_set_up, test_dead, fixture_tear_down);
  g_test_add ("/llm/client/retry", Fixture, NULL, fixture_set_up, test_retry, fixture_tear_down);
  g_test_add ("/llm/client/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/llm/client/api-key", Fixture, NULL, fixture_set_up, test_api_key, fixture_tear_down);
  g_test_add ("/llm/reply/faithful", Fixture, TALKS, fixture_set_up, test_reply_faithful, fixture_tear_down);
  g_test_add ("/llm/reply/unfaithful", Fixture, TALKS, fixture_set_up, test_reply_unfaithful, fixture_tear_down);
  g_test_add ("/llm/reply/unreachable", Fixture, TALKS, fixture_set_up, test_reply_unreachable, fixture_tear_down);
  g_test_add ("/llm/reply/privacy", Fixture, TALKS, fixture_set_up, test_privacy, fixture_tear_down);
  g_test_add ("/llm/cli", Fixture, TALKS, fixture_set_up, test_cli, fixture_tear_down);
  g_test_add ("/llm/replay-facts", Fixture, TALKS, fixture_set_up, test_replay_facts, fixture_tear_down);
  return g_test_run ();
}
