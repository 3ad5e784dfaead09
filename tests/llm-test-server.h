/* llm-test-server.h — a scripted chat-completions server on loopback, for the tests
 *
 * A SoupServer on 127.0.0.1 (a free port) in a thread of its own, speaking
 * POST /v1/chat/completions with server-sent events the way llama-server and Ollama do.
 * Each request gets the current script: echo the draft reply the prompt gives (faithful by
 * construction), the draft with an invented price or order number, a fixed text (a
 * paraphrase, the wrong language), a stream that stalls after its first chunk, an HTTP 500,
 * or a connection dropped once before any answer. Every request body and Authorization
 * header is kept, so a test can read what left the process.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef enum {
  SCRIPT_ECHO_DRAFT,
  SCRIPT_FIXED,
  SCRIPT_INVENT_PRICE,
  SCRIPT_INVENT_ORDER,
  SCRIPT_STALL,
  SCRIPT_HTTP_500,
  SCRIPT_DROP_ONCE,
  SCRIPT_NOT_STREAMED,
} Script;

typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;          /* http://127.0.0.1:PORT */
  GMutex        lock;
  GCond         ready;
  gboolean      started;
  Script        script;
  char         *fixed;        /* SCRIPT_FIXED's text */
  gboolean      dropped;      /* SCRIPT_DROP_ONCE has dropped its one */
  GPtrArray    *bodies;       /* char *: every request body received */
  GPtrArray    *auth;         /* char *: every Authorization header ("" when none) */
} TestServer;

typedef struct {
  SoupServerMessage *msg;
  GPtrArray         *chunks;   /* char *: SSE events still to send */
  guint              next;
  gboolean           stall;    /* stop after the first chunk, never finishing */
  gboolean           gone;     /* the client hung up (it may, right after [DONE]) */
} Stream;

static void
test_server_stream_free (Stream *s)
{
  g_signal_handlers_disconnect_by_data (s->msg, s);
  g_ptr_array_unref (s->chunks);
  g_object_unref (s->msg);
  g_free (s);
}

static void
test_server_gone (SoupServerMessage *msg,
                  Stream            *s)
{
  s->gone = TRUE;
}

static char *
test_server_chunk (const char *content)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion.chunk");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  return g_strdup_printf ("data: %s\n\n", json);
}

/* A whole completion, as a server that ignores "stream" sends it. */
static char *
test_server_whole (const char *content)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, 7);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* The draft reply the prompt carries ("Draft reply: …" in the user message). */
static char *
test_server_draft (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *user = NULL, *line;
  JsonArray *messages;

  if (!json_parser_load_from_data (parser, body, -1, NULL))
    return g_strdup ("?");
  messages = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "messages");
  user = json_object_get_string_member (json_array_get_object_element (messages, json_array_get_length (messages) - 1),
                                        "content");
  line = strstr (user, "Draft reply: ");
  if (line == NULL)
    return g_strdup ("?");
  line += strlen ("Draft reply: ");
  return g_strndup (line, strcspn (line, "\n"));
}

static gboolean
test_server_send_next (gpointer data)
{
  Stream *s = data;
  SoupMessageBody *body = soup_server_message_get_response_body (s->msg);

  if (s->gone)
    {
      test_server_stream_free (s);
      return G_SOURCE_REMOVE;
    }
  if (s->next < s->chunks->len)
    {
      const char *chunk = s->chunks->pdata[s->next++];
      soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, strlen (chunk));
      soup_server_message_unpause (s->msg);
      if (!(s->stall && s->next == 1))
        return G_SOURCE_CONTINUE;
      /* stalled: the connection stays open and silent until the client gives up */
      test_server_stream_free (s);
      return G_SOURCE_REMOVE;
    }
  soup_message_body_complete (body);
  soup_server_message_unpause (s->msg);
  test_server_stream_free (s);
  return G_SOURCE_REMOVE;
}

static void
test_server_handler (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autofree char *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *text = NULL;
  Script script;

  g_mutex_lock (&ts->lock);
  g_ptr_array_add (ts->bodies, g_strdup (body));
  g_ptr_array_add (ts->auth, g_strdup (auth ? auth : ""));
  script = ts->script;
  if (script == SCRIPT_DROP_ONCE && ts->dropped)
    script = SCRIPT_ECHO_DRAFT;
  else if (script == SCRIPT_DROP_ONCE)
    ts->dropped = TRUE;
  text = g_strdup (ts->fixed);
  g_mutex_unlock (&ts->lock);

  if (strcmp (path, "/v1/chat/completions") != 0 || soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  if (script == SCRIPT_HTTP_500)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":{\"message\":\"model crashed\"}}", 36);
      return;
    }
  if (script == SCRIPT_DROP_ONCE)
    {
      g_autoptr(GIOStream) connection = soup_server_message_steal_connection (msg);
      g_io_stream_close (connection, NULL, NULL);
      return;
    }

  {
    g_autofree char *draft = test_server_draft (body);
    switch (script)
      {
      case SCRIPT_FIXED: case SCRIPT_NOT_STREAMED: case SCRIPT_STALL:
        if (*text)
          break;
        g_free (text);
        text = g_steal_pointer (&draft);
        break;
      case SCRIPT_INVENT_PRICE: g_free (text); text = g_strconcat (draft, " It now costs £999.99.", NULL); break;
      case SCRIPT_INVENT_ORDER: g_free (text); text = g_strconcat (draft, " Your order SD-999999 has shipped too.", NULL); break;
      default: g_free (text); text = g_steal_pointer (&draft); break;
      }
  }

  soup_server_message_set_status (msg, 200, NULL);
  if (script == SCRIPT_NOT_STREAMED)
    {
      g_autofree char *whole = test_server_whole (text);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, whole, strlen (whole));
      return;
    }
  {
    Stream *s = g_new0 (Stream, 1);
    SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
    const char *p = text;

    s->msg = g_object_ref (msg);
    g_signal_connect (msg, "disconnected", G_CALLBACK (test_server_gone), s);
    g_signal_connect (msg, "finished", G_CALLBACK (test_server_gone), s);
    s->chunks = g_ptr_array_new_with_free_func (g_free);
    s->stall = script == SCRIPT_STALL;
    /* a few characters per chunk, as a model streams tokens */
    while (*p)
      {
        const char *end = p;
        for (int i = 0; i < 6 && *end; i++)
          end = g_utf8_next_char (end);
        g_autofree char *piece = g_strndup (p, end - p);
        g_ptr_array_add (s->chunks, test_server_chunk (piece));
        p = end;
      }
    g_ptr_array_add (s->chunks, g_strdup ("data: [DONE]\n\n"));
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
    soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
    soup_server_message_pause (msg);
    {
      GSource *source = g_timeout_source_new (5);
      g_source_set_callback (source, test_server_send_next, s, NULL);
      g_source_attach (source, ts->context);
      g_source_unref (source);
    }
  }
}

static gpointer
test_server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);
  ts->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ts->server, NULL, test_server_handler, ts, NULL);
  g_assert_true (soup_server_listen_local (ts->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (ts->server);
  {
    g_autofree char *full = g_uri_to_string (uris->data);
    g_mutex_lock (&ts->lock);
    ts->url = g_strndup (full, strlen (full) - (g_str_has_suffix (full, "/") ? 1 : 0));
    ts->started = TRUE;
    g_cond_signal (&ts->ready);
    g_mutex_unlock (&ts->lock);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (ts->loop);
  soup_server_disconnect (ts->server);
  g_clear_object (&ts->server);
  /* sources of stalled streams still attached are dropped with the context */
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static TestServer *
test_server_start (void)
{
  TestServer *ts = g_new0 (TestServer, 1);

  g_mutex_init (&ts->lock);
  g_cond_init (&ts->ready);
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->bodies = g_ptr_array_new_with_free_func (g_free);
  ts->auth = g_ptr_array_new_with_free_func (g_free);
  ts->thread = g_thread_new ("llm-test-server", test_server_thread, ts);
  g_mutex_lock (&ts->lock);
  while (!ts->started)
    g_cond_wait (&ts->ready, &ts->lock);
  g_mutex_unlock (&ts->lock);
  return ts;
}

static void
test_server_set (TestServer *ts,
                 Script      script,
                 const char *fixed)
{
  g_mutex_lock (&ts->lock);
  ts->script = script;
  ts->dropped = FALSE;
  g_free (ts->fixed);
  ts->fixed = g_strdup (fixed ? fixed : "");
  g_mutex_unlock (&ts->lock);
}

static gboolean
test_server_quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (TestServer *ts)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, test_server_quit, ts->loop, NULL);
  g_source_attach (source, ts->context);
  g_source_unref (source);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_ptr_array_unref (ts->bodies);
  g_ptr_array_unref (ts->auth);
  g_free (ts->fixed);
  g_free (ts->url);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->ready);
  g_free (ts);
}
