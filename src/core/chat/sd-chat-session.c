/* sd-chat-session.c — one customer's conversation: the turns so far, the form waiting for a
 * slot, the products offered */
#include "config.h"

#include "sd-dialogue-private.h"
#include "sd-json-writer.h"

static void
turn_record_free (SdTurnRecord *r)
{
  g_free (r->user);
  g_free (r->bot);
  g_free (r->intent);
  g_strfreev (r->fact_names);
  g_strfreev (r->fact_values);
  g_free (r);
}

SdChatSession *
sd_chat_session_new (gint64      customer_id,
                     const char *lang)
{
  SdChatSession *s = g_new0 (SdChatSession, 1);
  s->customer_id = MAX (customer_id, 0);
  s->lang = g_strdup (g_strcmp0 (lang, "zh_CN") == 0 || g_strcmp0 (lang, "zh") == 0 ? "zh_CN" : "en");
  s->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->turns = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_record_free);
  return s;
}

void
sd_chat_session_free (SdChatSession *s)
{
  if (s == NULL)
    return;
  g_free (s->lang);
  g_free (s->form);
  g_hash_table_unref (s->slots);
  g_free (s->clarify[0]);
  g_free (s->clarify[1]);
  g_ptr_array_unref (s->turns);
  g_clear_pointer (&s->candidates, g_array_unref);
  g_clear_pointer (&s->choices, g_array_unref);
  g_free (s->choices_name);
  g_clear_pointer (&s->choice_lines, g_ptr_array_unref);
  g_free (s->extreme_name);
  g_clear_pointer (&s->shown, g_array_unref);
  g_free (s);
}

gint64      sd_chat_session_get_customer (SdChatSession *s) { return s->customer_id; }
const char *sd_chat_session_get_lang (SdChatSession *s) { return s->lang; }
const char *sd_chat_session_get_form (SdChatSession *s) { return s->form; }
guint       sd_chat_session_get_n_turns (SdChatSession *s) { return s->turns->len; }

char *
sd_chat_session_to_json (SdChatSession *s)
{
  return sd_chat_session_to_json_full (s, FALSE);
}

char *
sd_chat_session_to_json_full (SdChatSession *s,
                              gboolean       match_facts)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

  sd_json_writer_begin_array (w);
  for (guint i = 0; i < s->turns->len; i++)
    {
      SdTurnRecord *r = s->turns->pdata[i];
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "user", r->user ? r->user : "");
      sd_json_writer_member_string (w, "bot", r->bot ? r->bot : "");
      sd_json_writer_member_string (w, "intent", r->intent ? r->intent : "");
      sd_json_writer_member_string (w, "action", sd_turn_action_to_string (r->action));
      sd_json_writer_key (w, "facts");
      sd_json_writer_begin_object (w);
      for (guint f = 0; r->fact_names && r->fact_names[f]; f++)
        sd_json_writer_member_string (w, r->fact_names[f], r->fact_values[f]);
      sd_json_writer_end_object (w);
      if (match_facts)
        sd_json_writer_member_string (w, "match", "facts");
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

void
sd_chat_session_clear_clarify (SdChatSession *s)
{
  g_clear_pointer (&s->clarify[0], g_free);
  g_clear_pointer (&s->clarify[1], g_free);
}

void
sd_chat_session_clear_choices (SdChatSession *s)
{
  g_clear_pointer (&s->candidates, g_array_unref);
  g_clear_pointer (&s->choices, g_array_unref);
  g_clear_pointer (&s->choices_name, g_free);
  g_clear_pointer (&s->choice_lines, g_ptr_array_unref);
}

void
sd_chat_session_set_form (SdChatSession *s, const char *form)
{
  s->form_paused = FALSE;
  if (form == s->form)
    return;
  g_free (s->form);
  s->form = g_strdup (form);
}
