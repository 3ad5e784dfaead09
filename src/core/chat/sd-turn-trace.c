/* sd-turn-trace.c — what the dialogue did with one message, for the inspector and `chat
 * --explain` */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-dialogue-private.h"
#include "sd-intent-names.h"
#include "sd-json-writer.h"

static const char *const action_names[SD_N_TURN_ACTIONS] = {
  "answer", "ask", "clarify", "fallback", "handoff", "refuse", "unsafe"
};

const char *
sd_turn_action_to_string (SdTurnAction action)
{
  g_return_val_if_fail (action < SD_N_TURN_ACTIONS, NULL);
  return action_names[action];
}

const char *
sd_mood_aside_to_string (SdMoodAside why)
{
  static const char *const names[] = { NULL, "bare_request", "choice", "product_not_found", "other_colour",
                                       "price_extreme" };
  g_return_val_if_fail (why < SD_N_MOODS_ASIDE, NULL);
  return names[why];
}

void
sd_turn_trace_free (SdTurnTrace *t)
{
  if (t == NULL)
    return;
  g_free (t->text);
  g_free (t->lang);
  g_free (t->read_as);
  g_free (t->reply);
  g_free (t->classifier);
  for (guint i = 0; i < t->n_top; i++)
    g_free (t->top[i].intent);
  g_free (t->intent);
  g_clear_pointer (&t->entities, g_ptr_array_unref);
  g_free (t->form);
  g_strfreev (t->slot_names);
  g_strfreev (t->slot_values);
  g_strfreev (t->choices);
  g_free (t->choices_name);
  g_free (t->template_key);
  g_clear_pointer (&t->data_rows, g_ptr_array_unref);
  g_strfreev (t->fact_names);
  g_strfreev (t->fact_values);
  sd_turn_generation_free (t->generation);
  g_free (t);
}

void
sd_turn_generation_free (SdTurnGeneration *g)
{
  if (g == NULL)
    return;
  g_free (g->text);
  g_free (g->template_reply);
  g_free (g->status);
  g_free (g->rejected_reason);
  g_free (g->rejected_detail);
  g_free (g);
}

void
sd_turn_trace_set_generation (SdTurnTrace      *t,
                              SdTurnGeneration *g)
{
  g_return_if_fail (t != NULL);
  sd_turn_generation_free (t->generation);
  t->generation = g;
  if (g && g->used && g->text)
    {
      if (g->template_reply == NULL)
        g->template_reply = g_strdup (t->reply);
      g_free (t->reply);
      t->reply = g_strdup (g->text);
    }
}

char *
sd_turn_trace_to_json (const SdTurnTrace *t)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "text", t->text ? t->text : "");
  sd_json_writer_member_string (w, "lang", t->lang ? t->lang : "");
  sd_json_writer_member_string (w, "reply", t->reply ? t->reply : "");
  sd_json_writer_member_string (w, "intent", t->intent ? t->intent : "");
  sd_json_writer_member_string (w, "classifier", t->classifier ? t->classifier : "");
  sd_json_writer_member_string (w, "classifier_examples",
                                t->classifier_examples == SD_MODEL_EXAMPLES_CHANGED ? "changed"
                                : t->classifier_examples == SD_MODEL_EXAMPLES_UNKNOWN ? "unknown" : "current");
  sd_json_writer_member_fixed (w, "confidence", t->confidence, 4);
  sd_json_writer_member_bool (w, "out_of_scope", t->out_of_scope);
  sd_json_writer_member_bool (w, "from_entities", t->from_entities);
  sd_json_writer_key (w, "read_as");
  if (t->read_as)
    sd_json_writer_string (w, t->read_as);
  else
    sd_json_writer_null (w);
  sd_json_writer_key (w, "top");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < t->n_top; i++)
    {
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "intent", t->top[i].intent ? t->top[i].intent : "");
      sd_json_writer_member_fixed (w, "prob", t->top[i].prob, 4);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_key (w, "entities");
  sd_json_writer_begin_array (w);
  for (guint i = 0; t->entities && i < t->entities->len; i++)
    {
      const SdEntity *e = t->entities->pdata[i];
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "kind", sd_entity_kind_to_string (e->kind));
      sd_json_writer_member_int (w, "start", e->start);
      sd_json_writer_member_int (w, "end", e->end);
      sd_json_writer_member_string (w, "text", e->text ? e->text : "");
      sd_json_writer_member_string (w, "value", e->value ? e->value : "");
      if (e->ref_id)
        sd_json_writer_member_int (w, "ref_id", e->ref_id);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_key (w, "sentiment");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "label", sd_sentiment_label_to_string (t->sentiment.label));
  sd_json_writer_member_fixed (w, "negative", t->sentiment.prob[0], 4);
  sd_json_writer_member_fixed (w, "neutral", t->sentiment.prob[1], 4);
  sd_json_writer_member_fixed (w, "positive", t->sentiment.prob[2], 4);
  sd_json_writer_member_bool (w, "set_aside", t->mood_set_aside != SD_MOOD_KEPT);
  if (t->mood_set_aside != SD_MOOD_KEPT)
    sd_json_writer_member_string (w, "set_aside_why", sd_mood_aside_to_string (t->mood_set_aside));
  sd_json_writer_end_object (w);
  sd_json_writer_member_string (w, "action", sd_turn_action_to_string (t->action));
  sd_json_writer_member_string (w, "form", t->form);
  sd_json_writer_key (w, "slots");
  sd_json_writer_begin_object (w);
  for (guint i = 0; t->slot_names && t->slot_names[i]; i++)
    sd_json_writer_member_string (w, t->slot_names[i], t->slot_values[i] ? t->slot_values[i] : "");
  sd_json_writer_end_object (w);
  sd_json_writer_key (w, "choices");
  if (t->choices)
    {
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "name", t->choices_name);
      sd_json_writer_member_int (w, "fit", t->n_candidates);
      sd_json_writer_key (w, "listed");
      sd_json_writer_begin_array (w);
      for (guint i = 0; t->choices[i]; i++)
        sd_json_writer_string (w, t->choices[i]);
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
    }
  else
    sd_json_writer_null (w);
  sd_json_writer_member_int (w, "misunderstandings", t->misunderstandings);
  sd_json_writer_member_bool (w, "handoff", t->handoff);
  sd_json_writer_member_string (w, "template", t->template_key ? t->template_key : "");
  sd_json_writer_member_int (w, "template_id", t->template_id);
  sd_json_writer_key (w, "data_rows");
  sd_json_writer_begin_array (w);
  for (guint i = 0; t->data_rows && i < t->data_rows->len; i++)
    sd_json_writer_string (w, t->data_rows->pdata[i]);
  sd_json_writer_end_array (w);
  sd_json_writer_key (w, "facts");
  sd_json_writer_begin_object (w);
  for (guint i = 0; t->fact_names && t->fact_names[i]; i++)
    sd_json_writer_member_string (w, t->fact_names[i], t->fact_values[i]);
  sd_json_writer_end_object (w);
  if (t->generation)
    {
      const SdTurnGeneration *g = t->generation;
      sd_json_writer_key (w, "generation");
      sd_json_writer_begin_object (w);
      sd_json_writer_member_bool (w, "used", g->used);
      sd_json_writer_member_string (w, "status", g->status);
      sd_json_writer_member_string (w, "rejected_reason", g->rejected_reason);
      sd_json_writer_member_string (w, "rejected_detail", g->rejected_detail);
      sd_json_writer_member_string (w, "text", g->text);
      sd_json_writer_member_string (w, "template_reply", g->template_reply);
      sd_json_writer_member_int (w, "latency_ms", g->latency_ms);
      sd_json_writer_member_int (w, "tokens", g->tokens);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_member_int (w, "elapsed_us", t->elapsed_us);
  sd_json_writer_member_int (w, "cpu_us", t->cpu_us);
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

char *
sd_turn_trace_classifier_label (const char *name)
{
  const char *stored = "intent model #";

  if (name == NULL)
    return g_strdup ("—");
  if (g_str_has_prefix (name, "fallback"))
    return g_strdup (_("the fallback linear classifier"));
  if (strcmp (name, "intent model") == 0)
    return g_strdup (_("the intent model"));
  /* the dialogue's names of a stored model: "intent model #3", "intent model #3 (live)" */
  if (g_str_has_prefix (name, stored))
    {
      const char *digits = name + strlen (stored);
      g_autofree char *id = g_strndup (digits, strspn (digits, "0123456789"));

      if (g_str_has_suffix (name, " (live)"))
        /* TRANSLATORS: %s is a stored model's number */
        return g_strdup_printf (_("the live intent model #%s"), id);
      /* TRANSLATORS: %s is a stored model's number */
      return g_strdup_printf (_("the intent model #%s"), id);
    }
  return g_strdup (name);
}

/* "  label:" padded to the column the values start at, by terminal columns (a Chinese
 * character takes two), so the translated lines still line up. */
static void
append_label (GString    *s,
              const char *label)
{
  glong width = 0;

  g_string_append_printf (s, "  %s", label);
  for (const char *p = label; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (glong i = width; i < 12; i++)
    g_string_append_c (s, ' ');
}

static const char *
sentiment_word (SdSentimentLabel label)
{
  switch (label)
    {
    case SD_SENTIMENT_NEGATIVE: return C_("chat --explain, sentiment", "negative");
    case SD_SENTIMENT_POSITIVE: return C_("chat --explain, sentiment", "positive");
    case SD_SENTIMENT_NEUTRAL:
    default:                    return C_("chat --explain, sentiment", "neutral");
    }
}

static const char *
action_word (SdTurnAction action)
{
  /* TRANSLATORS: `chat --explain`: what the dialogue did with a message */
  switch (action)
    {
    case SD_TURN_ANSWER:   return C_("chat --explain, dialogue step", "answer");
    case SD_TURN_ASK:      return C_("chat --explain, dialogue step", "ask");
    case SD_TURN_CLARIFY:  return C_("chat --explain, dialogue step", "clarify");
    case SD_TURN_FALLBACK: return C_("chat --explain, dialogue step", "fallback");
    case SD_TURN_HANDOFF:  return C_("chat --explain, dialogue step", "handoff");
    case SD_TURN_REFUSE:   return C_("chat --explain, dialogue step", "refuse");
    case SD_TURN_UNSAFE:   return C_("chat --explain, dialogue step", "unsafe");
    case SD_N_TURN_ACTIONS:
    default:               return "";
    }
}

/* The names the corpus and the JSON trace use (intents, entity kinds, templates, slots,
 * facts) stay as they are, for looking them up; every word around them is translated. */
char *
sd_turn_trace_format (const SdTurnTrace *t)
{
  GString *s = g_string_new (NULL);
  g_autofree char *classifier = t->classifier ? sd_turn_trace_classifier_label (t->classifier) : g_strdup ("-");

  /* TRANSLATORS: `chat --explain`'s labels: the values start in column 14 (the lines are
   * padded by terminal columns, a Chinese character counting two) */
  append_label (s, _("intent:"));
  if (t->intent)
    /* TRANSLATORS: `chat --explain`: an intent's name, its title and how sure the
     * classifier is: "order_status (Order status, 0.92)" */
    g_string_append_printf (s, _("%s (%s, %.2f)"), t->intent, sd_intent_title (t->intent), t->confidence);
  else
    g_string_append_printf (s, "- (%.2f)", t->confidence);
  if (t->out_of_scope)
    g_string_append_printf (s, " %s", _("out of scope"));
  if (t->from_entities)
    /* TRANSLATORS: `chat --explain`, after the intent: it was not the classifier's, but
     * what the order number or product in the message is about */
    g_string_append_printf (s, " %s", _("from what the message names"));
  /* TRANSLATORS: `chat --explain`: the message's language code (en, zh_CN) */
  g_string_append_printf (s, _("   lang: %s"), t->lang ? t->lang : "-");
  g_string_append_c (s, '\n');

  append_label (s, _("classifier:"));
  g_string_append_printf (s, "%s\n", classifier);
  if (t->read_as)
    {
      /* TRANSLATORS: `chat --explain`: the message as the classifiers read it, product
       * names masked and typing slips mended */
      append_label (s, _("read as:"));
      g_string_append_printf (s, "%s\n", t->read_as);
    }

  append_label (s, _("top-3:"));
  for (guint i = 0; i < t->n_top; i++)
    g_string_append_printf (s, "%s%s %.2f", i ? " " : "", t->top[i].intent, t->top[i].prob);
  g_string_append_c (s, '\n');

  append_label (s, _("entities:"));
  if (t->entities == NULL || t->entities->len == 0)
    g_string_append (s, C_("chat --explain, no entities", "none"));
  for (guint i = 0; t->entities && i < t->entities->len; i++)
    {
      const SdEntity *e = t->entities->pdata[i];
      g_string_append_printf (s, "%s%s[%" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "]“%s”=%s", i ? " " : "",
                              sd_entity_kind_to_string (e->kind), e->start, e->end, e->text, e->value);
    }
  g_string_append_c (s, '\n');

  append_label (s, _("sentiment:"));
  /* TRANSLATORS: `chat --explain`: the mood heard and its three probabilities */
  g_string_append_printf (s, _("%s (neg %.2f, neu %.2f, pos %.2f)"), sentiment_word (t->sentiment.label),
                          t->sentiment.prob[0], t->sentiment.prob[1], t->sentiment.prob[2]);
  if (t->mood_set_aside == SD_MOOD_ASIDE_BARE_REQUEST)
    /* TRANSLATORS: `chat --explain`, after the mood: a bare request ("refund progress")
     * heard as negative is not treated as upset */
    g_string_append_printf (s, " %s", _("set aside: a bare request"));
  else if (t->mood_set_aside == SD_MOOD_ASIDE_CHOICE)
    /* TRANSLATORS: `chat --explain`, after the mood: "the striped one", "2" in answer to
     * "Which one do you mean?", heard as negative, is not treated as upset */
    g_string_append_printf (s, " %s", _("set aside: a pick from the list offered"));
  else if (t->mood_set_aside == SD_MOOD_ASIDE_NOT_FOUND)
    /* TRANSLATORS: `chat --explain`, after the mood: "price of the teleporter?", a product
     * the shop does not have, heard as negative, is not treated as upset */
    g_string_append_printf (s, " %s", _("set aside: a product the shop does not have"));
  else if (t->mood_set_aside == SD_MOOD_ASIDE_OTHER_COLOUR)
    /* TRANSLATORS: `chat --explain`, after the mood: "and the red one?" after a product,
     * heard as negative, is not treated as upset */
    g_string_append_printf (s, " %s", _("set aside: another colour of the product before"));
  else if (t->mood_set_aside == SD_MOOD_ASIDE_PRICE_EXTREME)
    /* TRANSLATORS: `chat --explain`, after the mood: "and the most expensive?", heard as
     * negative, is not treated as upset */
    g_string_append_printf (s, " %s", _("set aside: a question for the cheapest or the dearest"));
  g_string_append_c (s, '\n');

  append_label (s, _("state:"));
  /* TRANSLATORS: `chat --explain`: the dialogue's step, the form (an intent's name, or
   * "none") and the misunderstandings so far */
  g_string_append_printf (s, _("%s, form %s, misunderstandings %u"), action_word (t->action),
                          t->form ? t->form : C_("chat --explain, no form", "none"), t->misunderstandings);
  if (t->handoff)
    g_string_append (s, _(", handed off"));
  {
    g_autoptr(GString) slots = g_string_new (NULL);

    for (guint i = 0; t->slot_names && t->slot_names[i]; i++)
      g_string_append_printf (slots, "%s%s=%s", i ? " " : "", t->slot_names[i], t->slot_values[i]);
    /* TRANSLATORS: `chat --explain`: the slots the dialogue has filled, "order_id=SD-100001" */
    g_string_append_printf (s, _(", slots: %s"), slots->str);
  }
  g_string_append_c (s, '\n');
  if (t->choices)
    {
      g_autoptr(GString) listed = g_string_new (NULL);
      for (guint i = 0; t->choices[i]; i++)
        g_string_append_printf (listed, "%s%u. %s", i ? "; " : "", i + 1, t->choices[i]);
      /* TRANSLATORS: `chat --explain`: the products "Which one do you mean?" offered, which
       * the next message picks from */
      append_label (s, _("choosing:"));
      if (t->choices_name)
        /* TRANSLATORS: `chat --explain`: "4 products fit “lantern”, listed: HANGING METAL HEART LANTERN (£1.65); …" */
        g_string_append_printf (s, ngettext ("%u product fits “%s”, listed: %s", "%u products fit “%s”, listed: %s",
                                             t->n_candidates), t->n_candidates, t->choices_name, listed->str);
      else
        /* TRANSLATORS: `chat --explain`: "2 products, listed: WHITE LOVEBIRD LANTERN (£2.95); …" */
        g_string_append_printf (s, ngettext ("%u product, listed: %s", "%u products, listed: %s", t->n_candidates),
                                t->n_candidates, listed->str);
      g_string_append_c (s, '\n');
    }

  append_label (s, _("source:"));
  /* TRANSLATORS: `chat --explain`: the reply template's name and number */
  g_string_append_printf (s, _("template %s (#%ld)"), t->template_key ? t->template_key : "-",
                          (long) t->template_id);
  for (guint i = 0; t->data_rows && i < t->data_rows->len; i++)
    g_string_append_printf (s, "%s%s", i ? "; " : _(", data: "), (char *) t->data_rows->pdata[i]);
  g_string_append_c (s, '\n');

  append_label (s, _("facts:"));
  for (guint i = 0; t->fact_names && t->fact_names[i]; i++)
    g_string_append_printf (s, "%s%s=“%s”", i ? " " : "", t->fact_names[i], t->fact_values[i]);

  if (t->generation)
    {
      const SdTurnGeneration *g = t->generation;
      g_string_append_c (s, '\n');
      append_label (s, _("generated:"));
      /* TRANSLATORS: `chat --explain`: whether the language model's reply was used, the
       * request's status (ok, timeout, …), how long it took and its tokens */
      g_string_append_printf (s, _("%s, %s, %ld ms, %u tokens"),
                              g->used ? _("used") : _("not used"), g->status, (long) g->latency_ms, g->tokens);
      if (g->rejected_reason)
        g_string_append_printf (s, _(", rejected: %s"), g->rejected_detail ? g->rejected_detail : g->rejected_reason);
    }
  g_string_append_c (s, '\n');
  append_label (s, _("time:"));
  /* TRANSLATORS: `chat --explain`: the turn's wall time and CPU time */
  g_string_append_printf (s, _("%.2f ms (CPU %.2f ms)"), t->elapsed_us / 1000.0, t->cpu_us / 1000.0);
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}
