/* sd-grounding.c — what a language model is told for one turn
 *
 * The prompt is in English whatever the customer's language: models follow English
 * instructions best, and the instruction names the language to answer in.
 */
#include "config.h"

#include <string.h>

#include "sd-grounding.h"

void
sd_grounding_free (SdGrounding *g)
{
  if (g == NULL)
    return;
  g_free (g->system_prompt);
  g_free (g->user_prompt);
  g_clear_pointer (&g->placeholders, g_ptr_array_unref);
  g_clear_pointer (&g->names, g_ptr_array_unref);
  g_free (g);
}

/* Replaces @original in @text by a placeholder (the same one each time it appears). */
static char *
hide (SdGrounding *g,
      const char  *text,
      const char  *original,
      const char  *kind)
{
  const char *placeholder = NULL;
  g_autofree char *fresh = NULL;

  if (original == NULL || strlen (original) < 2 || !strstr (text, original))
    return g_strdup (text);
  for (guint i = 0; i + 1 < g->placeholders->len; i += 2)
    if (strcmp (g->placeholders->pdata[i + 1], original) == 0)
      placeholder = g->placeholders->pdata[i];
  if (placeholder == NULL)
    {
      fresh = g_strdup_printf ("[%s %u]", kind, g->placeholders->len / 2 + 1);
      g_ptr_array_add (g->placeholders, g_strdup (fresh));
      g_ptr_array_add (g->placeholders, g_strdup (original));
      placeholder = fresh;
    }
  {
    g_auto(GStrv) parts = g_strsplit (text, original, -1);
    return g_strjoinv (placeholder, parts);
  }
}

static char *
redact (SdGrounding              *g,
        const char               *text,
        const SdGroundingOptions *options)
{
  static GRegex *mail, *phone;
  char *out = g_strdup (text ? text : "");

  if (options->share_identity)
    return out;
  if (g_once_init_enter (&mail))
    g_once_init_leave (&mail, g_regex_new ("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", G_REGEX_OPTIMIZE, 0, NULL));
  if (g_once_init_enter (&phone))
    g_once_init_leave (&phone, g_regex_new ("\\+?\\d[\\d ().-]{7,}\\d", G_REGEX_OPTIMIZE, 0, NULL));
  /* the whole name first, then each part ("Alice" alone, as greetings use it) */
  for (guint n = 0; n < g->names->len; n++)
    {
      char *next = hide (g, out, g->names->pdata[n], "name");
      g_free (out);
      out = next;
    }
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(GMatchInfo) info = NULL;
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
      g_regex_match (pass == 0 ? mail : phone, out, 0, &info);
      while (g_match_info_matches (info))
        {
          char *m = g_match_info_fetch (info, 0);
          guint n = 0;
          for (const char *p = m; *p; p++)
            n += g_ascii_isdigit (*p);
          /* a phone number has a separator or a +; a long order number alone does not */
          if (pass == 0 || (n >= 8 && strpbrk (m, " +()-.")))
            g_ptr_array_add (found, m);
          else
            g_free (m);
          g_match_info_next (info, NULL);
        }
      for (guint i = 0; i < found->len; i++)
        {
          char *next = hide (g, out, found->pdata[i], pass == 0 ? "email" : "phone");
          g_free (out);
          out = next;
        }
    }
  return out;
}

/* The customer's message with every order number the facts do not hold hidden: a number
 * that is not this customer's (someone else's, or a guess) is another customer's data, and
 * it stays on this machine even though the customer typed it. */
static char *
hide_unverified_orders (SdGrounding              *g,
                        const SdTurnTrace        *trace,
                        const SdGroundingOptions *options)
{
  static GRegex *order;
  g_autoptr(GMatchInfo) info = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  char *out = redact (g, trace->text, options);

  if (g_once_init_enter (&order))
    g_once_init_leave (&order, g_regex_new ("(?:\\b[A-Za-z]{1,6}[-_]?|#)?\\d{4,}", G_REGEX_OPTIMIZE, 0, NULL));
  g_regex_match (order, out, 0, &info);
  while (g_match_info_matches (info))
    {
      char *m = g_match_info_fetch (info, 0);
      gboolean known = FALSE;
      for (guint i = 0; trace->fact_values && trace->fact_values[i] && !known; i++)
        known = strstr (trace->fact_values[i], m) != NULL;
      if (known)
        g_free (m);
      else
        g_ptr_array_add (found, m);
      g_match_info_next (info, NULL);
    }
  for (guint i = 0; i < found->len; i++)
    {
      char *next = hide (g, out, found->pdata[i], "order");
      g_free (out);
      out = next;
    }
  return out;
}

static const char *
sentiment_word (SdSentimentLabel label)
{
  switch (label)
    {
    case SD_SENTIMENT_NEGATIVE: return "upset or unhappy: acknowledge it briefly and kindly";
    case SD_SENTIMENT_POSITIVE: return "positive";
    default: return "neutral";
    }
}

gboolean
sd_grounding_fact_used (const SdTurnTrace *trace,
                        guint              i)
{
  return strcmp (trace->fact_names[i], "order_example") != 0 ||
         (trace->reply && strstr (trace->reply, trace->fact_values[i]));
}

SdGrounding *
sd_grounding_new (const SdTurnTrace        *trace,
                  const SdGroundingOptions *options)
{
  static const SdGroundingOptions defaults = { NULL, FALSE, NULL };
  SdGrounding *g = g_new0 (SdGrounding, 1);
  gboolean zh;
  GString *user = g_string_new (NULL);
  g_autofree char *message = NULL;
  g_autofree char *draft = NULL;

  g_return_val_if_fail (trace != NULL, g);
  if (options == NULL)
    options = &defaults;
  g->placeholders = g_ptr_array_new_with_free_func (g_free);
  g->names = g_ptr_array_new_with_free_func (g_free);
  zh = trace->lang && g_str_has_prefix (trace->lang, "zh");
  if (options->customer_name && *options->customer_name)
    {
      g_auto(GStrv) parts = g_strsplit_set (options->customer_name, " \t", -1);
      g_ptr_array_add (g->names, g_strdup (options->customer_name));
      for (guint i = 0; parts[i]; i++)
        if (g_utf8_strlen (parts[i], -1) >= 2 && strcmp (parts[i], options->customer_name) != 0)
          g_ptr_array_add (g->names, g_strdup (parts[i]));
    }
  /* the greeting's ", Alice" is the customer's name even when the caller did not say it */
  for (guint i = 0; trace->fact_names && trace->fact_names[i]; i++)
    if (strcmp (trace->fact_names[i], "name_part") == 0)
      {
        g_autofree char *name = g_strdup (trace->fact_values[i]);
        const char *start = name;
        while (*start && !g_unichar_isalnum (g_utf8_get_char (start)))
          start = g_utf8_next_char (start);
        if (g_utf8_strlen (start, -1) >= 2)
          g_ptr_array_add (g->names, g_strdup (start));
      }

  g->system_prompt = g_strdup_printf (
      "You are the customer-service assistant of an online shop. Rewrite the shop's draft reply so that it "
      "reads naturally%s%s. Use only the facts listed: do not add any order number, price, amount, percentage, "
      "date, quantity, product name, link, e-mail address or phone number that is not in them, and do not promise "
      "a refund, free shipping, a discount or a code unless the facts say so. Keep every fact the draft gives. "
      "Placeholders in square brackets, like [name 1], stand for the customer's details: keep them as they are. "
      "Answer in %s only, in at most four sentences of plain text, without markdown and without a signature.",
      options->tone && *options->tone ? " in this tone: " : "",
      options->tone && *options->tone ? options->tone : "",
      zh ? "Simplified Chinese" : "English");

  message = hide_unverified_orders (g, trace, options);
  g_string_append_printf (user, "Customer's message: %s\n", message);
  g_string_append_printf (user, "Intent: %s\n", trace->intent ? trace->intent : "unknown");
  g_string_append_printf (user, "Customer's mood: %s\n", sentiment_word (trace->sentiment.label));
  g_string_append_printf (user, "Customer's language: %s\n", zh ? "Simplified Chinese (zh_CN)" : "English (en)");
  g_string_append (user, "Facts:\n");
  for (guint i = 0; trace->fact_names && trace->fact_names[i]; i++)
    {
      g_autofree char *value = NULL;
      /* the greeting's name is the customer's identity */
      if ((!options->share_identity && strcmp (trace->fact_names[i], "name_part") == 0) ||
          !sd_grounding_fact_used (trace, i))
        continue;
      value = redact (g, trace->fact_values[i], options);
      g_string_append_printf (user, "- %s: %s\n", trace->fact_names[i], value);
    }
  if (trace->fact_names == NULL || trace->fact_names[0] == NULL)
    g_string_append (user, "- (none: the draft says all there is)\n");
  draft = redact (g, trace->reply, options);
  g_string_append_printf (user, "Draft reply: %s\n", draft);
  g_string_append_printf (user, "Write the reply to the customer in %s.", zh ? "Simplified Chinese" : "English");
  g->user_prompt = g_string_free (user, FALSE);
  return g;
}

char *
sd_grounding_restore (const SdGrounding *g,
                      const char        *reply)
{
  char *out = g_strdup (reply ? reply : "");

  for (guint i = 0; g && i + 1 < g->placeholders->len; i += 2)
    {
      g_auto(GStrv) parts = g_strsplit (out, g->placeholders->pdata[i], -1);
      g_free (out);
      out = g_strjoinv (g->placeholders->pdata[i + 1], parts);
    }
  return out;
}
