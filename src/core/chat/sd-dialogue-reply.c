/* sd-dialogue-reply.c — a turn's reply: templates filled in the customer's language, offers of
 * a person settled */
#include "config.h"

#include "sd-chat-corpus.h"
#include "sd-dialogue-private.h"
#include "sd-number-format.h"

/* A date as people write it in the turn's language: "24 Apr 2024", "2024年4月24日". Not
 * g_date_time_format's %b, which follows the process's locale, not the customer's language. */
char *
sd_turn_date_text (SdTurn *t, gint64 at)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc (at);
  int year, month, day;

  if (d == NULL)
    return g_strdup ("");
  g_date_time_get_ymd (d, &year, &month, &day);
  return sd_turn_zh (t) ? g_strdup_printf ("%d年%d月%d日", year, month, day)
                : g_strdup_printf ("%d %s %d", day, months[month - 1], year);
}

void
sd_turn_var (SdTurn *t, const char *name, const char *value)
{
  g_hash_table_insert (t->vars, g_strdup (name), g_strdup (value ? value : ""));
}

void
sd_turn_data_row (SdTurn *t, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_ptr_array_add (t->trace->data_rows, g_strdup_vprintf (format, args));
  va_end (args);
}

static char *
fill_template (const char *tmpl, GHashTable *vars)
{
  GString *out = g_string_new (NULL);
  for (const char *p = tmpl; *p;)
    {
      const char *close;
      if (*p == '{' && (close = strchr (p + 1, '}')) && close - p < 40)
        {
          g_autofree char *name = g_strndup (p + 1, close - p - 1);
          const char *value = g_hash_table_lookup (vars, name);
          g_string_append (out, value ? value : "");
          p = close + 1;
          /* an empty slot between two sentences leaves one space, not two */
          if ((value == NULL || *value == '\0') && *p == ' ' &&
              (out->len == 0 || out->str[out->len - 1] == ' '))
            p++;
        }
      else
        g_string_append_c (out, *p++);
    }
  /* an empty slot at the end leaves a stray space */
  g_strchomp (out->str);
  out->len = strlen (out->str);
  return g_string_free (out, FALSE);
}

/* Replies of the dialogue's own for keys the shop's templates may lack: a shop seeded before
 * the corpus had them, or a form of an answer the corpus has no template for. A template the
 * staff add under the key is used instead. */
static const struct { const char *key, *en, *zh; } code_templates[] = {
  { "sys.no_policy",
    "I don't have our {topic} to hand, and I'd rather not guess. Shall I pass your question to a person from our team?",
    "我这里没有{topic}的信息，不想随便回答。需要为您转接人工客服吗？" },
  /* what the shop's policy.invoices says, for an order found */
  { "invoice_request.policy", "About an invoice for order {order_id}: {policy}", "关于订单 {order_id} 的发票：{policy}" },
  /* a name several products fit: the likeliest few, numbered, to pick from */
  { "sys.which_product",
    "Which one do you mean? These fit “{name}”: {choices}. Tell me its number, or more of its name.",
    "您指的是哪一款？符合“{name}”的有：{choices}。请告诉我序号或更完整的名称。" },
  { "sys.which_product.more",
    "We have {count} products that fit “{name}”: which one do you mean? The likeliest: {choices}. "
    "Tell me its number, or more of its name.",
    "符合“{name}”的商品有 {count} 款，您指的是哪一款？最可能的几款：{choices}。请告诉我序号或更完整的名称。" },
  { "sys.which_product.again",
    "That still fits {count} of them: which one do you mean? {choices}. Tell me its number, or more of its name.",
    "还有 {count} 款符合，您指的是哪一款？{choices}。请告诉我序号或更完整的名称。" },
  /* an answer that picks none of them: the list again, and the ways to pick */
  { "sys.which_product.none",
    "That isn't one of the ones I listed: {choices}. Tell me its number (1 to {last}), its place "
    "(“the second one”) or a word of its name.",
    "这不在我列出的商品里：{choices}。请告诉我序号（1 到 {last}）、第几个（如“第二个”），或名称中的一个词。" },
  /* "the second one" when no list was offered: nothing to pick from, and what to ask */
  { "sys.no_list",
    "I haven't listed anything to pick from yet. Tell me the product's name, or ask for a kind of product "
    "(“do you have lanterns?”) and I'll list the ones we have.",
    "我还没有列出可以选择的商品。请告诉我商品名称，或者问某一类商品（如“有灯笼吗？”），我会列出我们有的。" },
  /* "cheapest lantern?", 最贵的台灯: of the products a name fits, the one asked for */
  { "sys.cheapest", "The cheapest of the {count} products that fit “{name}” is {product}.",
    "符合“{name}”的 {count} 款商品中，最便宜的是{product}。" },
  { "sys.dearest", "The most expensive of the {count} products that fit “{name}” is {product}.",
    "符合“{name}”的 {count} 款商品中，最贵的是{product}。" },
  /* "what's the most expensive?" with no product word: of all the shop sells */
  { "sys.cheapest.shop",
    "The cheapest product we sell is {product}. If you meant one kind of product, tell me which and I'll find its cheapest.",
    "我们在售最便宜的商品是{product}。如果您问的是某一类商品，请告诉我是哪一类，我再帮您找最便宜的。" },
  { "sys.dearest.shop",
    "The most expensive product we sell is {product}. If you meant one kind of product, tell me which and I'll find its most expensive.",
    "我们在售最贵的商品是{product}。如果您问的是某一类商品，请告诉我是哪一类，我再帮您找最贵的。" },
  /* a name the catalogue does not have */
  { "sys.product_not_found", "I couldn't find “{name}” in our catalogue. {similar}",
    "我们的商品里没有找到“{name}”。{similar}" },
  /* Chinese product words on a catalogue named in English only */
  { "sys.english_names",
    "Our catalogue names its products in English only, so I can't search it with Chinese words. "
    "Tell me the English name, or a word of it (e.g. “{example}”), and I'll look.",
    "我们的商品目录只有英文名称，用中文词查不到商品。请告诉我英文名称或其中的一个英文单词（例如“{example}”），我再帮您查找。" },
  /* what the shop's policy.account says, and the person a locked account needs */
  { "account_help.policy", "{policy} For a locked or hacked account, a person needs to help: shall I put you through?",
    "{policy}账户被锁或被盗需要人工处理，要帮您转人工吗？" },
};

/* The reply for template @key, filled with the turn's variables. */
char *
sd_turn_render (SdTurn *t, const char *key)
{
  gint64 id = 0;
  g_autofree char *tmpl = sd_chat_corpus_get_template (t->self->store, key, t->lang, &id);
  for (guint i = 0; tmpl == NULL && i < G_N_ELEMENTS (code_templates); i++)
    if (strcmp (key, code_templates[i].key) == 0)
      tmpl = g_strdup (L (t, code_templates[i].en, code_templates[i].zh));
  if (tmpl == NULL)
    {
      /* a staff-made intent without a template of its own */
      g_free (tmpl);
      tmpl = sd_chat_corpus_get_template (t->self->store, "sys.fallback", t->lang, &id);
      key = "sys.fallback";
    }
  if (t->trace->template_key == NULL)
    {
      t->trace->template_key = g_strdup (key);
      t->trace->template_id = id;
    }
  return fill_template (tmpl ? tmpl : "…", t->vars);
}

/* Appends @sentence to @s: after a space in English, straight after the 。 in Chinese. */
void
sd_dialogue_append_sentence (const char *lang, GString *s, const char *sentence)
{
  if (s->len && sentence[0] && strcmp (lang, "zh_CN") != 0)
    g_string_append_c (s, ' ');
  g_string_append (s, sentence);
}

/* Whether @sentence offers a person; @at gets where the offer starts. */
static gboolean
offers_person (const char *sentence, gsize *at)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  int start = 0;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new (
        "\\b(shall|should|can|could|may|would you like|do you want|want) (i|me|us)?\\b[^:;,]*"
        "(put you through|pass you|pass your \\w+|put you in touch|ask a person)"
        "|would you like to talk to a person|i can (put|pass) you"
        "|(需要|要)[^，。？]*(转接人工|转人工|请人工客服)|(或者|可以|我帮您|为您)[^，。？]*(转接人工|转人工)",
        G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL));
  if (regex == NULL || !g_regex_match (regex, sentence, 0, &match))
    return FALSE;
  g_match_info_fetch_pos (match, 0, &start, NULL);
  *at = start;
  return TRUE;
}

/* The end of the sentence that starts at @p: after its end mark and the spaces after it. */
static const char *
sentence_end (const char *p)
{
  const char *end = p;
  while (*end && !strchr (".?!", *end) && !g_str_has_prefix (end, "。") &&
         !g_str_has_prefix (end, "？") && !g_str_has_prefix (end, "！"))
    end = g_utf8_next_char (end);
  if (*end)
    end = g_utf8_next_char (end);
  while (*end == ' ')
    end++;
  return end;
}

/* A customer already handed over to a person is not offered one again ("…: shall I put you
 * through?" of a complaint's or a delivery problem's template, a person offered when a policy
 * is not set): each offer goes, with the clause that asks it, and one sentence says where
 * the conversation is instead. */
static void
settle_offers (SdTurn *t, GString *all)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean settled = FALSE;
  const char *p = all->str;

  while (*p)
    {
      const char *end = sentence_end (p);
      g_autofree char *sentence = g_strndup (p, end - p);
      gsize at;
      if (!offers_person (sentence, &at))
        g_string_append (out, sentence);
      else
        {
          /* "A person can sort it out with you: shall I put you through?" keeps its first
           * clause */
          static const char *const clauses[] = { ": ", ", or ", "; ", "，", "：" };
          gsize keep = 0;
          for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
            {
              const char *c = g_strrstr_len (sentence, at, clauses[i]);
              if (c && (gsize) (c - sentence) > keep)
                keep = c - sentence;
            }
          if (keep > 0)
            {
              g_string_append_len (out, sentence, keep);
              g_string_append (out, L (t, ". ", "。"));
            }
          settled = TRUE;
        }
      p = end;
    }
  if (!settled)
    return;
  g_strchomp (out->str);
  out->len = strlen (out->str);
  g_string_truncate (all, 0);
  g_string_append (all, out->str);
  sd_dialogue_append_sentence (t->lang, all, L (t, "You're already through to our team: they will reply here.",
                                                "您已转接人工客服，他们会在这里回复您。"));
  t->session->handoff_offered = FALSE;
}

/* @body with @detail said before the sentence of it that offers a person ("…: shall I put you
 * through?" stays the reply's last question), or after it when none does. */
static char *
insert_before_offer (SdTurn *t, const char *body, const char *detail)
{
  GString *out = g_string_new (NULL);
  const char *p = body;
  gboolean said = FALSE;

  while (*p)
    {
      const char *end = sentence_end (p);
      g_autofree char *sentence = g_strndup (p, end - p);
      gsize at;
      if (!said && offers_person (sentence, &at))
        {
          g_strchomp (out->str);
          out->len = strlen (out->str);
          sd_dialogue_append_sentence (t->lang, out, detail);
          if (!sd_turn_zh (t))
            g_string_append_c (out, ' ');
          said = TRUE;
        }
      g_string_append (out, sentence);
      p = end;
    }
  if (!said)
    sd_dialogue_append_sentence (t->lang, out, detail);
  return g_string_free (out, FALSE);
}

void
sd_turn_reply (SdTurn *t, const char *key, SdTurnAction action)
{
  sd_turn_reply_with_detail (t, key, action, NULL);
}

/* sd_turn_reply() with @detail (a sentence of what the answer found, or NULL) inside the
 * template's answer, before its offer of a person. */
void
sd_turn_reply_with_detail (SdTurn *t, const char *key, SdTurnAction action, const char *detail)
{
  /* the answer offers a person itself: not a second time after it */
  if (t->answer_offers && t->offer_len > 0)
    {
      g_string_erase (t->suffix, t->offer_at, t->offer_len);
      t->offer_len = 0;
    }
  g_autofree char *rendered = sd_turn_render (t, key);
  g_autofree char *body = detail && *detail ? insert_before_offer (t, rendered, detail) : g_steal_pointer (&rendered);
  GString *all = g_string_new (t->prefix->str);
  sd_dialogue_append_sentence (t->lang, all, body);
  sd_dialogue_append_sentence (t->lang, all, t->suffix->str);
  if (t->session->handed_off && strcmp (key, "talk_to_human") != 0)
    settle_offers (t, all);
  g_free (t->trace->reply);
  t->trace->reply = g_string_free (all, FALSE);
  t->trace->action = action;
}

/* What the shop has set for @key in the customer's language (or English), or NULL: for
 * policies, which the bot must never make up. */
char *
sd_turn_shop_setting (SdTurn *t, const char *key)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", key, t->lang);
  char *value = sd_store_get_setting (t->self->store, full);

  if (value == NULL && sd_turn_zh (t))
    {
      g_autofree char *en = g_strdup_printf ("%s.en", key);
      value = sd_store_get_setting (t->self->store, en);
    }
  if (value && *value == '\0')
    g_clear_pointer (&value, g_free);
  if (value)
    sd_turn_data_row (t, "settings.%s", full);
  return value;
}

/* An amount as the pages write it (sd_format_money): the shop's currency, with the marks and
 * the symbol's place of the user's locale, whose screen the reply is read on ("£14.95",
 * "14,95 £" in German; a Chinese reply on a shop in pounds still says pounds). A shop that
 * has not said its currency gets the bare amount, as on the pages, never a made-up £. */
char *
sd_turn_money (SdTurn *t, gint64 cents)
{
  g_autofree char *currency = sd_store_get_setting (t->self->store, "shop.currency");

  return sd_format_money (cents, currency && *currency ? currency : NULL);
}
