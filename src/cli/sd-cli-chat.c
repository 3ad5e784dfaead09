/* sd-cli-chat.c — `shopdesk-cli chat`: talk to the shop's chatbot in a terminal */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>
#include <unistd.h>

#include "sd-cli.h"
#include "sd-customer-profile.h"
#include "sd-error.h"
#include "sd-dialogue.h"
#include "sd-llm-reply.h"

/* A customer by customers.id or external id (and their name, which a language model is
 * not told); 0 with a message when there is none. */
static gint64
find_customer (SdStore *store, const char *ref, char **name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = sd_store_find_customer (store, ref, &error);
  g_autoptr(SdCustomerProfile) profile = id > 0 ? sd_customer_profile_load (store, id, 0, &error) : NULL;

  if (g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
    {
      g_autofree char *who = sd_cli_printable (ref);
      fprintf (stderr, _("shopdesk-cli chat: there is no customer “%s” in this shop "
               "(give customers.id or the external id)\n"), who);
      return 0;
    }
  if (profile == NULL)
    {
      sd_cli_print_error ("chat", error);
      return 0;
    }
  *name = g_strdup (profile->name);
  return id;
}

/* The language model for --llm-url, or NULL with a message (a remote server only when
 * the user said customer messages may leave the machine). */
static SdLlmClient *
make_client (const char *url,
             const char *model,
             gboolean    allow_remote)
{
  SdLlmClient *client;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  switch (sd_llm_url_kind (url))
    {
    case SD_LLM_URL_INVALID:
      fprintf (stderr, _("shopdesk-cli chat: --llm-url must be an http:// or https:// address, not “%s”\n"), url);
      return NULL;
    case SD_LLM_URL_REMOTE:
      if (!allow_remote)
        {
          fprintf (stderr, _("shopdesk-cli chat: %s is not on this machine or the local network, so customer "
                   "messages would leave it; add --llm-allow-remote to confirm\n"), url);
          return NULL;
        }
      break;
    default:
      break;
    }
  client = sd_llm_client_new (url, model);
  key = sd_llm_key_lookup (sd_llm_client_get_endpoint (client), &error);
  if (error)
    g_debug ("no API key for %s: %s", url, error->message);
  sd_llm_client_set_api_key (client, key);
  return client;
}

/* One line of stdin, however long (the dialogue refuses what is too long). A NUL byte
 * inside the line becomes U+FFFD: it neither ends the line early nor joins it to the next;
 * the dialogue repairs invalid UTF-8 the same way. */
static char *
read_line (FILE *in)
{
  g_autofree char *raw = NULL;
  size_t cap = 0;
  ssize_t n = getline (&raw, &cap, in);
  GString *line;

  if (n < 0)
    return NULL;
  if (n && raw[n - 1] == '\n')
    n--;
  if (n && raw[n - 1] == '\r')
    n--;
  n = MIN (n, 4 * 1024 * 1024 + 1);
  line = g_string_sized_new (n);
  for (ssize_t i = 0; i < n; i++)
    {
      if (raw[i] == '\0')
        g_string_append (line, "\xef\xbf\xbd");
      else
        g_string_append_c (line, raw[i]);
    }
  return g_string_free (line, FALSE);
}

int
sd_cli_chat (SdCliGlobal  *global,
             int           argc,
             char        **argv)
{
  g_autofree char *customer = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *llm_url = NULL;
  g_autofree char *llm_model = NULL;
  g_autofree char *customer_name = NULL;
  gboolean explain = FALSE, json = FALSE, allow_remote = FALSE;
  GOptionEntry entries[] = {
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer, N_("Talk as this customer (id or external id); anonymous without"), "ID" },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Start in this language: en or zh_CN (later messages may switch it)"), "LANG" },
    { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, N_("After each reply, print what was understood and where the answer came from"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON trace per message instead of the conversation"), NULL },
    { "llm-url", 0, 0, G_OPTION_ARG_STRING, &llm_url, N_("Phrase replies with the language model server at URL (OpenAI-compatible, e.g. llama-server or Ollama); replies that fail the guardrails fall back to the templates"), "URL" },
    { "llm-model", 0, 0, G_OPTION_ARG_STRING, &llm_model, N_("The model name the server expects (Ollama needs one)"), "NAME" },
    { "llm-allow-remote", 0, 0, G_OPTION_ARG_NONE, &allow_remote, N_("Allow a server beyond this machine and the local network (customer messages leave it)"), NULL },
    { NULL }
  };
  if (!sd_cli_parse ("chat", _("talk to the chatbot: one message per line on stdin"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("shopdesk-cli chat: unexpected argument “%s”\n"), argv[1]);
      return SD_EXIT_USAGE;
    }
  if (lang && strcmp (lang, "en") != 0 && strcmp (lang, "zh_CN") != 0)
    {
      fprintf (stderr, _("shopdesk-cli chat: --lang must be en or zh_CN, not “%s”\n"), lang);
      return SD_EXIT_USAGE;
    }

  g_autoptr(GError) error = NULL;
  if (llm_model && llm_url == NULL)
    {
      fprintf (stderr, _("shopdesk-cli chat: --llm-model needs --llm-url\n"));
      return SD_EXIT_USAGE;
    }
  g_autoptr(SdLlmClient) client = NULL;
  if (llm_url && (client = make_client (llm_url, llm_model, allow_remote)) == NULL)
    return SD_EXIT_USAGE;

  g_autoptr(SdStore) store = sd_cli_open_store (global);
  if (store == NULL)
    return SD_EXIT_FAILED;
  gint64 customer_id = 0;
  if (customer && (customer_id = find_customer (store, customer, &customer_name)) == 0)
    return SD_EXIT_FAILED;
  g_autoptr(SdLlmShopContext) shop = NULL;
  if (client && (shop = sd_llm_shop_context_load (store, &error)) == NULL)
    {
      sd_cli_print_error ("chat", error);
      return SD_EXIT_FAILED;
    }

  g_autoptr(SdDialogue) dialogue = sd_dialogue_new (store, &error);
  if (dialogue == NULL)
    {
      sd_cli_print_error ("chat", error);
      return SD_EXIT_FAILED;
    }
  g_autoptr(SdChatSession) session = sd_chat_session_new (customer_id, lang);
  gboolean tty = isatty (STDIN_FILENO);
  if (tty && !json)
    printf (_("Chatting as %s. One message per line; Ctrl+D ends.\n"),
            customer_id ? customer : _("an anonymous visitor"));

  for (;;)
    {
      if (tty && !json)
        {
          printf (_("you> "));
          fflush (stdout);
        }
      g_autofree char *line = read_line (stdin);
      if (line == NULL)
        break;
      g_autoptr(SdTurnTrace) trace = sd_dialogue_respond (dialogue, session, line);
      if (client && sd_llm_reply_wanted (trace))
        sd_turn_trace_set_generation (trace, sd_llm_reply_generate (client, shop, customer_name, trace,
                                                                    NULL, NULL, NULL));
      if (json)
        {
          g_autofree char *text = sd_turn_trace_to_json (trace);
          printf ("%s\n", text);
        }
      else
        {
          g_autofree char *reply = sd_cli_printable_lines (trace->reply);
          if (!tty)
            {
              g_autofree char *said = sd_cli_printable (trace->text ? trace->text : _("(unreadable message)"));
              printf (_("you> %s\n"), said);
            }
          printf (_("bot> %s\n"), reply);
          if (sd_llm_reply_status_text (trace->generation))
            {
              /* a guardrail's rejection says which check; a failed request says it all already */
              gboolean checked = g_strcmp0 (trace->generation->status, "ok") == 0;
              printf ("     (%s%s%s)\n", sd_llm_reply_status_text (trace->generation),
                      checked ? ": " : "", checked ? trace->generation->rejected_detail : "");
            }
          if (explain)
            {
              g_autofree char *raw = sd_turn_trace_format (trace);
              g_autofree char *text = sd_cli_printable_lines (raw);
              printf ("%s", text);
            }
        }
      fflush (stdout);
    }
  return SD_EXIT_OK;
}
