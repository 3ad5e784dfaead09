/* sd-dialogue-products.c — questions about products: search, details, prices, and "which one do
 * you mean?" */
#include "config.h"

#include "sd-chat-concepts.h"
#include "sd-dialogue-private.h"
#include "sd-figures.h"
#include "sd-number-format.h"
#include "sd-product-answer.h"

/* The intents a product name answers: a product named with any other question ("can I
 * talk to a person" in a shop that sells a PERSON MUG) is that question. */
gboolean
sd_dialogue_product_intent (const char *intent)
{
  static const char *const intents[] = {
    "product_search", "product_question", "size_fit", "stock_availability", NULL
  };
  return intent && g_strv_contains (intents, intent);
}

/* How many words @trace's message has besides the products and categories it names, a
 * Chinese character counting as one: "the vintage ceramic mug" has one, "is the teapot in
 * stock?" four, "马克杯有货吗" three. */
guint
sd_dialogue_words_besides_names (const SdTurnTrace *trace)
{
  g_autoptr(GString) rest = g_string_new (trace->text);
  g_auto(GStrv) words = NULL;
  guint n = 0;

  for (guint i = trace->entities->len; i-- > 0;)
    {
      const SdEntity *e = trace->entities->pdata[i];
      if ((e->kind == SD_ENTITY_PRODUCT || e->kind == SD_ENTITY_CATEGORY) && e->end <= rest->len)
        {
          g_string_erase (rest, e->start, e->end - e->start);
          g_string_insert_c (rest, e->start, ' ');
        }
    }
  words = g_regex_split_simple ("[^[:alnum:]\\p{Han}]+", rest->str, 0, 0);
  for (guint i = 0; words[i]; i++)
    for (const char *p = words[i]; *p; p = g_utf8_next_char (p))
      if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN || p == words[i])
        n++;
  return n;
}

/* The intents about one product, which wait for its name. */
gboolean
sd_dialogue_asks_about_one_product (const char *intent)
{
  return sd_dialogue_product_intent (intent) && strcmp (intent, "product_search") != 0;
}

/* --- products ----------------------------------------------------------------------------- */

/* "ceramic mug" → "%ceramic%mug%", with the LIKE wildcards in the words escaped. */
static char *
like_pattern (const char *words)
{
  GString *p = g_string_new ("%");
  for (const char *c = words; *c; c++)
    {
      if (*c == ' ')
        {
          if (p->str[p->len - 1] != '%')
            g_string_append_c (p, '%');
          continue;
        }
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (p, '\\');
      g_string_append_c (p, *c);
    }
  if (p->str[p->len - 1] != '%')
    g_string_append_c (p, '%');
  return g_string_free (p, FALSE);
}

/* A shop whose data has no stock levels (UCI Online Retail, most order exports) has every
 * product at 0: that is "not known", and saying "out of stock" of all of them would turn
 * customers away. */
gboolean
sd_dialogue_tracks_stock (SdDialogue *self)
{
  if (self->tracks_stock < 0)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (self->store,
          "SELECT EXISTS (SELECT 1 FROM products WHERE stock > 0)", NULL);
      self->tracks_stock = stmt && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0);
    }
  return self->tracks_stock;
}

void
sd_turn_append_product (SdTurn *t, GString *out, sqlite3_stmt *stmt, gboolean with_stock)
{
  with_stock = with_stock && sd_dialogue_tracks_stock (t->self);
  gint64 id = sqlite3_column_int64 (stmt, 0);
  const char *title = (const char *) sqlite3_column_text (stmt, 1);
  g_autofree char *price = sd_turn_money (t, sqlite3_column_int64 (stmt, 2));
  int stock = sqlite3_column_int (stmt, 3);
  if (out->len)
    g_string_append (out, L (t, "; ", "；"));
  if (with_stock)
    g_string_append_printf (out, L (t, "%s (%s, %s)", "%s（%s，%s）"), title, price,
                            stock > 0 ? L (t, "in stock", "有货") : L (t, "out of stock", "暂时缺货"));
  else
    g_string_append_printf (out, L (t, "%s (%s)", "%s（%s）"), title, price);
  sd_turn_data_row (t, "products.id=%" G_GINT64_FORMAT, id);
}

/* The products whose title, translation or other name (product_aliases) has @words in
 * order, or in @category, or product @ref (the one the message named, whose title may have
 * the words in another order: "red polka dot hand warmers"); each shown by its current title. */
static guint
search_products (SdTurn *t, const char *words, const char *category, gint64 ref, GString *out)
{
  g_autofree char *pattern = words ? like_pattern (words) : NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      PRODUCT_COLUMNS
      "WHERE ((?1 IS NOT NULL AND (p.title LIKE ?1 ESCAPE '\\' OR x.title LIKE ?1 ESCAPE '\\' OR "
      "                            EXISTS (SELECT 1 FROM product_aliases a WHERE a.product_id = p.id "
      "                                    AND a.title LIKE ?1 ESCAPE '\\'))) "
      "       OR (?2 IS NOT NULL AND p.category = ?2) OR p.id = ?4) "
      "  AND " SD_CHAT_SELLS_PRODUCT ("p") " "
      "ORDER BY p.stock > 0 DESC, p.id LIMIT 5", NULL);
  if (stmt == NULL)
    return 0;
  if (pattern)
    sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  if (category)
    sqlite3_bind_text (stmt, 2, category, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, ref);
  guint n = 0;
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (shown, id);
      sd_turn_append_product (t, out, stmt, TRUE);
      n++;
    }
  if (n > 0)
    {
      g_clear_pointer (&t->session->shown, g_array_unref);
      t->session->shown = g_steal_pointer (&shown);
    }
  return n;
}

static const char *other_colour_asked (const char *text);

/* Whether @text has Chinese words that could name a product (灯笼, 圣诞装饰), once the words of
 * asking and buying are left out: "我要买20个" has none. */
static gboolean
has_chinese_name (const char *text)
{
  static const char *const asking[] = {
    "请问", "你们", "我们", "我想", "我要", "想要", "需要", "有没有", "什么", "哪些", "哪个", "多少钱",
    "多少", "价格", "怎么", "这个", "那个", "一下", "一个", "看看", "购买", "商品", "东西", "产品", "可以",
    "谢谢", "吗", "呢", "吧", "啊", "的", "了", "是", "有", "买", "要", "想", "找", "看", "个", "件",
    "些", "钱", "卖", "这", "那", "我", "你", "它", "还", "也", "都", "和", "请", "帮", "给", "能", "种",
    "款", "店", "家", "在", "不", "没", "很", "太", "好", "多", "少", "几", NULL
  };
  g_autoptr(GString) rest = g_string_new (text);
  guint han = 0;

  for (guint i = 0; asking[i]; i++)
    g_string_replace (rest, asking[i], " ", 0);
  for (const char *c = rest->str; *c; c = g_utf8_next_char (c))
    han += g_unichar_get_script (g_utf8_get_char (c)) == G_UNICODE_SCRIPT_HAN;
  return han >= 2;
}

/* For a catalogue that names its products in English only (Online Retail: titles, no
 * translations), the word its titles end in most often ("bag"), an English name a customer
 * can search with; NULL when any product has a Chinese name, or there are none. */
const char *
sd_dialogue_english_only_example (SdDialogue *self)
{
  if (!self->names_read)
    {
      g_autoptr(SdStmt) zh = sd_store_prepare (self->store,
          "SELECT EXISTS (SELECT 1 FROM product_texts WHERE lang = 'zh_CN' AND title <> '')", NULL);
      g_autoptr(SdStmt) titles = sd_store_prepare (self->store,
          "SELECT p.title FROM products p WHERE " SD_CHAT_SELLS_PRODUCT ("p"), NULL);
      g_autoptr(GHashTable) heads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      gboolean chinese = zh == NULL || titles == NULL || sqlite3_step (zh) != SQLITE_ROW || sqlite3_column_int (zh, 0);
      guint best = 0;

      self->names_read = TRUE;
      while (!chinese && sqlite3_step (titles) == SQLITE_ROW)
        {
          const char *title = (const char *) sqlite3_column_text (titles, 0);
          for (const char *c = title; c && *c && !chinese; c = g_utf8_next_char (c))
            chinese = g_unichar_get_script (g_utf8_get_char (c)) == G_UNICODE_SCRIPT_HAN;
          const char *space = title ? strrchr (title, ' ') : NULL;
          g_autofree char *head = g_ascii_strdown (space ? space + 1 : title ? title : "", -1);
          if (strlen (head) < 3 || !g_ascii_isalpha (head[0]))
            continue;
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (heads, head)) + 1;
          if (n > best || (n == best && g_strcmp0 (head, self->english_example) < 0))
            {
              best = n;
              g_free (self->english_example);
              self->english_example = g_strdup (head);
            }
          g_hash_table_insert (heads, g_steal_pointer (&head), GUINT_TO_POINTER (n));
        }
      if (chinese)
        g_clear_pointer (&self->english_example, g_free);
    }
  return self->english_example;
}

/* "有灯笼吗" of a catalogue named in English only: no Chinese word can find anything in it, so
 * the bot says so and asks for the English name (in either language), rather than "not
 * found" as if the shop lacked it. The question waits for that name. */
gboolean
sd_turn_chinese_words_on_english_names (SdTurn *t, const char *words, const char *intent)
{
  const char *example = NULL;

  /* "红色的多少钱" asks a colour, which English titles have too */
  if (!has_chinese_name (words) || other_colour_asked (words) != NULL ||
      (example = sd_dialogue_english_only_example (t->self)) == NULL)
    return FALSE;
  sd_turn_data_row (t, "products: names in English only, none in Chinese");
  sd_chat_session_set_form (t->session, intent);
  sd_turn_var (t, "example", example);
  sd_turn_reply (t, "sys.english_names", SD_TURN_ASK);
  return TRUE;
}

void
sd_turn_handle_product_search (SdTurn *t, const char *fallback_words)
{
  SdChatSession *s = t->session;
  /* only what this message names: "do you have candles?" after a talk about mugs is
   * not about mugs */
  const char *product = t->named_product ? g_hash_table_lookup (s->slots, "product") : NULL;
  const char *category = t->named_product ? g_hash_table_lookup (s->slots, "category") : NULL;
  const char *words = product ? product : fallback_words;
  if (words == NULL && category == NULL)
    {
      /* not a catalogue name: try the message's longer words one by one ("candles"
       * finds the candle holders even though "candle" alone names no product) */
      static const char *const generic[] = {
        "have", "sell", "want", "looking", "look", "find", "show", "need", "some", "anything",
        "something", "your", "with", "what", "there", "please", "product", "item", "stuff",
        "thing", "shop", "store", "stock", "search", "know", "like", "would", "could", "buying",
        "cheap", "good", "nice", "best", "got", "does", "this", "that", "them", "they", NULL
      };
      g_autofree char *lower = g_ascii_strdown (t->trace->text, -1);
      g_auto(GStrv) tokens = g_regex_split_simple ("[^a-z]+", lower, 0, 0);
      guint tries = 0;
      /* at most three searches, so a long message costs no more than a short one */
      for (guint i = 0; tokens[i] && tries < 3; i++)
        {
          gsize n = strlen (tokens[i]);
          if (n > 4 && tokens[i][n - 1] == 's' && tokens[i][n - 2] != 's')
            tokens[i][--n] = '\0';
          if (n < 4 || g_strv_contains (generic, tokens[i]))
            continue;
          g_autoptr(GString) found = g_string_new (NULL);
          tries++;
          if (search_products (t, tokens[i], NULL, 0, found) > 0)
            {
              sd_chat_session_set_form (s, NULL);
              sd_turn_var (t, "products", found->str);
              sd_turn_reply (t, "product_search", SD_TURN_ANSWER);
              return;
            }
          /* rows of a failed search are not the answer's source */
          g_ptr_array_set_size (t->trace->data_rows, 0);
        }
      if (sd_turn_chinese_words_on_english_names (t, t->trace->text, "product_search"))
        return;
      /* the shop has nothing by that name, or no name was given: ask, and take the
       * answer as the search */
      sd_chat_session_set_form (s, "product_search");
      sd_turn_reply (t, t->trace->entities->len || strlen (t->trace->text) > 9
                        ? "product_search.none" : "product_search.ask", SD_TURN_ASK);
      return;
    }
  sd_chat_session_set_form (s, NULL);
  g_autoptr(GString) list = g_string_new (NULL);
  const char *ref = product ? g_hash_table_lookup (s->slots, "product_ref") : NULL;
  if (search_products (t, words, category, ref ? g_ascii_strtoll (ref, NULL, 10) : 0, list) == 0)
    {
      sd_turn_reply (t, "product_search.none", SD_TURN_ANSWER);
      return;
    }
  sd_turn_var (t, "products", list->str);
  sd_turn_reply (t, "product_search", SD_TURN_ANSWER);
}

/* "what colours does it come in?", "有几种颜色", "是什么材质的": a question about what a product
 * is, not a wish to see products. */
gboolean
sd_dialogue_asks_what_it_is (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(colou?rs?|material|materials|made (of|from)|size|sizes|dimensions|"
                                     "how (big|tall|wide|long|heavy|large)|weigh|weighs|weight)\\b"
                                     "|颜色|什么色|材质|材料|什么做的|尺寸|尺码|多大|多高|多宽|多长|多重|重量");
}

/* "How much is the cakestand?": the catalogue always knows a price, so that is the answer,
 * before any sentence of the description (which rarely names a price, and would otherwise be
 * reported as not saying). "How much does it weigh" is not a price question. */
gboolean
sd_dialogue_asks_price (const char *text)
{
  static const char *const zh_phrases[] = { "多少钱", "价格", "价钱", "几块钱", "怎么卖", "售价" };
  static const char *const en_phrases[] = { "how much is", "how much are", "how much for", "how much's" };
  static const char *const en_words[] = { "price", "prices", "priced", "pricing", "cost", "costs", "costing", NULL };
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_auto(GStrv) words = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (zh_phrases); i++)
    if (strstr (folded, zh_phrases[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (en_phrases); i++)
    if (strstr (folded, en_phrases[i]))
      return TRUE;
  words = g_regex_split_simple ("[^[:alnum:]]+", folded, 0, 0);
  for (guint i = 0; words[i]; i++)
    if (g_strv_contains (en_words, words[i]))
      return TRUE;
  return FALSE;
}

/* "my discount code isn't working", "优惠码用不了": a code refused, as against a question about
 * which coupons there are. */
gboolean
sd_dialogue_mentions_code_trouble (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "(\\bnot|n'?t) (work\\w*|valid|accepted|applied|apply\\w*|go through)\\b"
                                     "|\\b(invalid|expired|declined|rejected|refused|errors?|fail\\w*)\\b"
                                     "|用不了|无效|不能用|没法用|失效|过期|不生效|用不上|报错");
}

/* "my card was declined", "charged twice", "付款失败": trouble with a payment, as against a
 * question about the ways to pay. */
gboolean
sd_dialogue_mentions_payment_trouble (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(fail\\w*|declin\\w*|reject\\w*|refus\\w*|errors?|twice|double|duplicate|"
                                     "overcharg\\w*|problems?|issues?|trouble|wrong|stuck|pending|missing|"
                                     "(did ?n[o']?t|does ?n[o']?t|won'?t|not|isn'?t|can'?t|cannot|n'?t) (go through|work\\w*|pay|accept\\w*)|"
                                     "charged (me )?(twice|two times|again|too much))\\b"
                                     "|失败|被拒|拒绝|两次|重复|多扣|扣了|付不了|支付不了|付不上|没成功|不成功|错误|问题|异常|没到账|扣款");
}

/* --- which product ---------------------------------------------------------------------- */

static gboolean
has_id (GArray *ids, gint64 id)
{
  for (guint i = 0; ids && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* How many of a name's products "Which one do you mean?" lists. */
#define CHOICES_LISTED 3

typedef struct {
  gint64 id;
  int    in_stock;
  gint64 sold;
} Likely;

static int
compare_likely (gconstpointer a, gconstpointer b)
{
  const Likely *x = a, *y = b;

  if (x->in_stock != y->in_stock)
    return y->in_stock - x->in_stock;
  if (x->sold != y->sold)
    return x->sold > y->sold ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* @ids with the likeliest first: those in stock (where the shop knows its stock), then the
 * most bought. One look-up by the order lines' product index each. */
static GArray *
likeliest_first (SdTurn *t, GArray *ids)
{
  g_autoptr(GArray) likely = g_array_new (FALSE, FALSE, sizeof (Likely));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean stock = sd_dialogue_tracks_stock (t->self);
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT p.stock > 0, (SELECT COUNT(*) FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "                     WHERE l.product_id = p.id AND " SD_SQL_ORDER_IS_SALE ("o") ") "
      "FROM products p WHERE p.id = ?1", NULL);

  for (guint i = 0; stmt && i < ids->len; i++)
    {
      Likely l = { g_array_index (ids, gint64, i), 0, 0 };
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, l.id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      l.in_stock = stock && sqlite3_column_int (stmt, 0);
      l.sold = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (likely, l);
    }
  g_array_sort (likely, compare_likely);
  for (guint i = 0; i < likely->len; i++)
    g_array_append_val (out, g_array_index (likely, Likely, i).id);
  return out;
}

/* @pattern compiled once into @slot (NULL if it does not compile). */
static GRegex *
regex_once (GRegex    **slot,
            const char *pattern)
{
  if (g_once_init_enter (slot))
    g_once_init_leave (slot, g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL));
  return *slot;
}

/* The mood heard is not this message's: a pick from the list the bot offered ("the striped
 * one", "2") or a name the shop does not have ("price of the teleporter?") says nothing of how
 * the customer feels, however the review-trained model hears its words. One that says a mood
 * of its own ("the white one!!", "STILL the wrong one") keeps it. Called before the reply. */
static void
set_mood_aside (SdTurn *t, SdMoodAside why)
{
  if (t->trace->mood_set_aside != SD_MOOD_KEPT)
    {
      /* a bare "2" is first of all a pick */
      t->trace->mood_set_aside = why;
      return;
    }
  if (!t->negative || sd_sentiment_has_signals (t->trace->text))
    return;
  t->negative = FALSE;
  t->session->upset = t->was_upset;
  t->trace->mood_set_aside = why;
  g_string_erase (t->prefix, 0, t->apology_len);
  t->apology_len = 0;
  /* and the person offered for the mood (offer_person()) */
  if (t->offer_len)
    {
      g_string_erase (t->suffix, t->offer_at, t->offer_len);
      t->offer_len = 0;
      t->session->handoff_offered = FALSE;
    }
}

/* The likeliest few of @ids, numbered ("1. WHITE LOVEBIRD LANTERN (£2.95); 2. …") into
 * @list; they and @ids (which the name @name fits, if given) become what the customer's next
 * message picks from. Returns how many were listed. */
static guint
list_choices (SdTurn *t, GArray *ids, const char *name, GString *list)
{
  SdChatSession *s = t->session;
  g_autoptr(GArray) ranked = likeliest_first (t, ids);
  GArray *choices = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ranked->len && choices->len < CHOICES_LISTED; i++)
    {
      gint64 id = g_array_index (ranked, gint64, i);
      g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
      g_autoptr(GString) one = g_string_new (NULL);
      if (stmt == NULL)
        break;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      sd_turn_append_product (t, one, stmt, FALSE);
      if (list->len)
        g_string_append (list, L (t, "; ", "；"));
      g_string_append_printf (list, "%u. %s", choices->len + 1, one->str);
      g_ptr_array_add (lines, g_string_free (g_steal_pointer (&one), FALSE));
      g_array_append_val (choices, id);
    }
  sd_chat_session_clear_choices (s);
  if (choices->len == 0)
    {
      g_array_unref (choices);
      return 0;
    }
  s->choices = choices;
  s->candidates = g_array_copy (ids);
  s->choices_name = g_strdup (name);
  s->choice_lines = g_steal_pointer (&lines);
  return choices->len;
}

/* "the cheapest one", "most expensive", 最便宜的那个, 最贵的: -1 asks for the cheapest, +1 for
 * the dearest, 0 for neither. */
int
sd_dialogue_price_extreme (const char *text)
{
  static GRegex *slot;
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autoptr(GMatchInfo) match = NULL;
  GRegex *re = regex_once (&slot,
      "\\b(cheapest|least\\s+expensive|lowest[- ]priced|lowest\\s+price|most\\s+affordable)\\b"
      "|(最便宜|最实惠|价格最低|最低价)"
      "|\\b(most\\s+expensive|dearest|priciest|highest[- ]priced|highest\\s+price)\\b|(最贵|价格最高|最高价)");

  if (re == NULL || !g_regex_match (re, folded, 0, &match))
    return 0;
  {
    g_autofree char *en = g_match_info_fetch (match, 1);
    g_autofree char *zh = g_match_info_fetch (match, 2);
    return (en && *en) || (zh && *zh) ? -1 : 1;
  }
}

/* Of @ids, the cheapest (@direction -1) or the dearest (+1); of equal prices the likeliest
 * (in stock, then most bought). 0 when none has a price. */
static gint64
extreme_priced (SdTurn *t, GArray *ids, int direction)
{
  g_autoptr(GArray) ranked = likeliest_first (t, ids);
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, "SELECT price_cents FROM products WHERE id = ?1", NULL);
  gint64 best = 0, best_cents = 0;

  for (guint i = 0; stmt && i < ranked->len; i++)
    {
      gint64 id = g_array_index (ranked, gint64, i);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        continue;
      gint64 cents = sqlite3_column_int64 (stmt, 0);
      if (best == 0 || (direction < 0 ? cents < best_cents : cents > best_cents))
        {
          best = id;
          best_cents = cents;
        }
    }
  return best;
}

/* The question waits for the product: the form of @intent, and @question to answer once it
 * is known. */
static void
wait_for_product (SdTurn *t, const char *intent, const char *question)
{
  g_hash_table_insert (t->session->slots, g_strdup ("_question"), g_strdup (question));
  /* no product is meant until the customer says which: not the one before, nor the word
   * typed, which the inspector would otherwise show as the product remembered */
  g_hash_table_remove (t->session->slots, "product_ref");
  g_hash_table_remove (t->session->slots, "product");
  sd_chat_session_set_form (t->session, intent);
}

typedef enum {
  WHICH_FIRST,   /* of a name several products fit */
  WHICH_AGAIN,   /* of those an answer to it still leaves */
  WHICH_NONE,    /* the same again: the answer picked none ("the purple one", "5" of three) */
} WhichAsk;

/* "Which one do you mean?" of a name @ids all fit (@name as the customer wrote it, or
 * NULL), asked as @how says. */
static void
ask_which_product (SdTurn *t, const char *intent, GArray *ids, const char *name, WhichAsk how,
                   const char *question)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *count = sd_format_count (ids->len);
  guint listed = list_choices (t, ids, name, list);
  g_autofree char *last = g_strdup_printf ("%u", listed);

  if (listed == 0)
    {
      sd_turn_reply (t, "product_search.none", SD_TURN_ANSWER);
      return;
    }
  if (how == WHICH_NONE)
    sd_turn_data_row (t, "products: the answer picks none of the %u listed; listed again", listed);
  else if (name)
    sd_turn_data_row (t, "products: %u fit “%s”; the likeliest %u listed", ids->len, name, listed);
  else
    sd_turn_data_row (t, "products: %u still fit; the likeliest %u listed", ids->len, listed);
  wait_for_product (t, intent, question);
  sd_turn_var (t, "name", name);
  sd_turn_var (t, "count", count);
  sd_turn_var (t, "choices", list->str);
  sd_turn_var (t, "last", last);
  sd_turn_reply (t, how == WHICH_NONE ? "sys.which_product.none"
                    : how == WHICH_AGAIN ? "sys.which_product.again"
                    : listed < ids->len ? "sys.which_product.more" : "sys.which_product",
                 SD_TURN_ASK);
}

/* A product the catalogue does not have ("the teleporter", 杯子): said so, with the names
 * like it to pick from, if any; the question waits for a product the shop has. */
static void
product_not_found (SdTurn *t, const char *intent, const char *name, const char *question)
{
  const char *head = strrchr (name, ' ') ? strrchr (name, ' ') + 1 : name;
  g_autoptr(GArray) like = sd_entity_extractor_products_like (t->self->extractor, head);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *similar = NULL;

  sd_turn_data_row (t, "products: none named “%s”", name);
  set_mood_aside (t, SD_MOOD_ASIDE_NOT_FOUND);
  if (sd_dialogue_english_only_example (t->self))
    {
      /* "灯笼多少钱": the question waits for the English name */
      wait_for_product (t, intent, question);
      if (sd_turn_chinese_words_on_english_names (t, name, intent))
        return;
    }
  g_hash_table_remove (t->session->slots, "product");
  if (like->len && list_choices (t, like, NULL, list) > 0)
    similar = g_strdup_printf (L (t, "Did you mean one of these? %s. Tell me its number, or more of the name.",
                                  "您是不是在找：%s？请告诉我序号或更完整的名称。"), list->str);
  else
    similar = g_strdup (L (t, "Tell me more of its name, or what it is for, and I'll look again.",
                           "请告诉我更完整的名称或用途，我再帮您找找。"));
  wait_for_product (t, intent, question);
  sd_turn_var (t, "name", name);
  sd_turn_var (t, "similar", similar);
  sd_turn_reply (t, "sys.product_not_found", SD_TURN_ASK);
}

/* Words after "the …" that are no product but what is asked of one, or of the shop
 * (the shop's lexicon has most: price, colour, delivery, discount). */
static gboolean
asked_of_a_product (const char *word)
{
  static const char *const words[] = {
    "wattage", "voltage", "capacity", "volume", "height", "width", "depth", "diameter", "brand",
    "shape", "pattern", "design", "quality", "total", "rest", "same", "other", "others", "first",
    "second", "third", "last", "next", "cheapest", "cheaper", "dearest", "best", "biggest",
    "bigger", "smallest", "smaller", "largest", "larger", "newest", "latest", "whole", "difference",
    "shop", "store", "website", "site", "web", "page", "link", "picture", "photo", "photos",
    "two", "three", "four", "five", "six", "ten", "dozen", "pair", "couple", "few", "lot", "lots",
    "bunch", "kind", "type", "sort", "way", "ways", "time", "times", "minimum", "maximum",
    "usual", "normal", "regular", "standard", "sale", "deal", NULL
  };
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  if (g_strv_contains (words, word))
    return TRUE;
  if (concepts)
    sd_chat_concepts_find_in_text (concepts, word, found);
  return found->len > 0;
}

/* The name the message asks about where questions put one ("price of the teleporter", "is the
 * doormat in stock", "杯子 价格", "这款杯子是什么材质的"), up to the first little word or word of
 * the question, or NULL: for a message whose names the dictionary found no product by (the
 * word is none of the catalogue's, or no title's last: DOORMAT KEEP CALM AND COME IN). A
 * message that points back ("how much is it?", "它多少钱") names none. */
static char *
asked_name (SdTurn *t)
{
  static GRegex *en_slot, *back_slot, *zh_slot;
  g_autofree char *folded = g_utf8_casefold (t->trace->text, -1);
  g_autoptr(GMatchInfo) match = NULL;
  GRegex *back_regex = regex_once (&back_slot,
      "\\b(it|its|it's|them|they|this one|that one)\\b|\\b(this|that)\\s*[?.!]*$|它|这个|那个|这款|那款|这件|那件");
  GRegex *en_regex = regex_once (&en_slot,
        "(?:\\b(?:price|prices|cost|costs)\\s+(?:of|for)\\s+|\\bhow much\\s+(?:is|are|does|do|for|would)\\s+"
        "|\\b(?:is|are|does|do|has|have|was|were|of|for|about)\\s+(?:the|your|a|an)\\s+)"
        "(?:(?:the|a|an|your|this|that)\\s+)?([a-z][a-z'-]*(?:\\s+[a-z][a-z'-]*){0,3})"
        "|^([a-z][a-z'-]*(?:\\s+[a-z][a-z'-]*){0,2})\\s+(?:price|prices|cost)\\b");
  GRegex *zh_regex = regex_once (&zh_slot,
        "^(?:请问|我想问一?下|问一?下)?\\s*(?:你们家|你们|你家)?的?\\s*(?:这款|那款|这个|那个|这种|这件)?\\s*"
        "(\\p{Han}{2,8}?)\\s*的?\\s*(?:是|有)?\\s*(?:什么|几种|多少)?\\s*"
        "(?:价格|价钱|多少钱|售价|怎么卖|几块钱|有货|有没有货|还有货|库存|颜色|材质|尺码|尺寸|大小|重量)");

  if (back_regex == NULL || en_regex == NULL || zh_regex == NULL || g_regex_match (back_regex, folded, 0, NULL))
    return NULL;

  if (g_regex_match (zh_regex, folded, 0, &match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      if (concepts)
        sd_chat_concepts_find_in_text (concepts, name, found);
      if (found->len == 0)
        return g_steal_pointer (&name);
    }
  g_clear_pointer (&match, g_match_info_free);

  for (g_regex_match (en_regex, folded, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *phrase = g_match_info_fetch (match, 1);
      g_auto(GStrv) words = NULL;
      g_autoptr(GString) name = g_string_new (NULL);

      if (phrase == NULL || *phrase == '\0')
        {
          g_free (phrase);
          phrase = g_match_info_fetch (match, 2);
        }
      if (phrase == NULL || *phrase == '\0')
        continue;
      words = g_regex_split_simple ("\\s+", phrase, 0, 0);
      /* the words of the name: up to the first little word or word of the question */
      for (guint i = 0; words[i]; i++)
        {
          SdNameWord kind = sd_entity_extractor_word_kind (t->self->extractor, words[i]);
          if (kind == SD_NAME_WORD_LITTLE || asked_of_a_product (words[i]))
            break;
          g_string_append_printf (name, "%s%s", name->len ? " " : "", words[i]);
        }
      if (name->len)
        return g_string_free (g_steal_pointer (&name), FALSE);
    }
  return NULL;
}

gboolean
sd_turn_names_a_product (SdTurn *t)
{
  g_autofree char *name = asked_name (t);

  return name != NULL;
}

/* "the second one", "2", "number 2", "第二个", "2号": the place in a list of @n the message
 * picks, from 1 (past @n when the list is shorter); 0 for none. */
static guint
choice_number (const char *text, guint n)
{
  static GRegex *ordinal_slot;
  static const char *const ordinals[] = {
    "first", "1st", "second", "2nd", "third", "3rd", "fourth", "4th", "fifth", "5th"
  };
  static const char *const zh_numbers[] = { "一", "二", "三", "四", "五" };
  static const char *const filler[] = {
    "the", "one", "number", "no", "nr", "num", "option", "please", "pls", "i", "want", "mean",
    "meant", "take", "it's", "its", "it", "is", "ok", "okay", "that", "this", "like", "ll", "i'll", "id", "i'd",
    "我要", "我选", "要", "选", "就", "吧", "那", "的", "是", "号", "个", "款", "种", NULL
  };
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autoptr(GMatchInfo) match = NULL;
  g_auto(GStrv) words = NULL;
  guint k = 0;

  GRegex *ordinal = regex_once (&ordinal_slot,
      "\\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\\b|\\b(last)( one)?\\b"
      "|第\\s*([一二三四五1-5])|(最后)一");

  if (n == 0 || strlen (folded) > 60)
    return 0;
  if (ordinal && g_regex_match (ordinal, folded, 0, &match))
    {
      g_autofree char *en = g_match_info_fetch (match, 1);
      g_autofree char *last = g_match_info_fetch (match, 2);
      g_autofree char *zh_place = g_match_info_fetch (match, 4);
      g_autofree char *zh_last = g_match_info_fetch (match, 5);
      for (guint i = 0; en && *en && i < G_N_ELEMENTS (ordinals); i++)
        if (strcmp (en, ordinals[i]) == 0)
          k = i / 2 + 1;
      for (guint i = 0; zh_place && *zh_place && i < G_N_ELEMENTS (zh_numbers); i++)
        if (strcmp (zh_place, zh_numbers[i]) == 0)
          k = i + 1;
      if (zh_place && g_ascii_isdigit (zh_place[0]))
        k = zh_place[0] - '0';
      if ((last && *last) || (zh_last && *zh_last))
        k = n;
      return k;
    }

  /* a number and nothing else but the words that present one: "2", "#2", "number 2", "2号" */
  {
    g_autoptr(GString) rest = g_string_new (folded);
    for (guint i = 0; filler[i]; i++)
      if (!g_ascii_isalpha (filler[i][0]))
        g_string_replace (rest, filler[i], " ", 0);
    words = g_regex_split_simple ("[^[:alnum:]'\\p{Han}]+", rest->str, 0, 0);
  }
  for (guint i = 0; words[i]; i++)
    {
      if (*words[i] == '\0' || g_strv_contains (filler, words[i]))
        continue;
      guint value = 0;
      if (strlen (words[i]) == 1 && g_ascii_isdigit (words[i][0]))
        value = words[i][0] - '0';
      for (guint z = 0; z < G_N_ELEMENTS (zh_numbers); z++)
        if (strcmp (words[i], zh_numbers[z]) == 0)
          value = z + 1;
      if (value == 0 || k != 0)
        return 0;   /* another word, or a second number */
      k = value;
    }
  return k;
}

/* "the striped one", "white one", 墨绿色的那款: shaped as a pick from a list, whether or not
 * one of the list fits it. */
static gboolean
looks_like_a_pick (const char *text)
{
  static GRegex *slot;
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GRegex *re = regex_once (&slot,
      "^\\s*(?:the\\s+)?[a-z][a-z'-]*(?:\\s+[a-z][a-z'-]*){0,2}\\s+one\\s*[.!?]*\\s*$"
      "|^\\s*\\p{Han}{1,8}的?(?:那|这)?(?:个|款|件|种|只)\\s*[。！？!?]*\\s*$");

  return re && g_regex_match (re, folded, 0, NULL);
}

/* An answer to "Which one do you mean?": the product it picks (by its number or its place,
 * or by words of its name), which is then what the waiting question is asked of, and the
 * form's intent returned; or, when its words still fit several, the question again
 * (*@asked_again). NULL, and the list forgotten, for a message that picks none. */
const char *
sd_turn_take_choice (SdTurn *t, gboolean *asked_again)
{
  SdChatSession *s = t->session;
  const char *form = s->form;
  g_autoptr(GArray) again = NULL;   /* what the answer still leaves to pick from */
  gboolean none = FALSE;            /* a pick that fits none of them */
  gint64 id = 0;
  guint k;

  *asked_again = FALSE;
  if (form == NULL || s->form_paused || !sd_dialogue_asks_about_one_product (form) ||
      /* "never mind, can I cancel my last order?": a question of its own, whose "last" is
       * no place in the list ("the last one" is) */
      sd_dialogue_names_newest_order_by_name (t->trace->text) || sd_dialogue_has_entity (t->trace->entities, SD_ENTITY_ORDER_ID))
    {
      sd_chat_session_clear_choices (s);
      return NULL;
    }
  /* "the cheapest one" of those the list was offered of (the cheapest of the six that fit,
   * not only of the three listed); "the cheapest t-shirt" names its own */
  int extreme = t->named_product ? 0 : sd_dialogue_price_extreme (t->trace->text);
  k = extreme ? 0 : choice_number (t->trace->text, s->choices->len);
  if (extreme)
    {
      id = extreme_priced (t, s->candidates, extreme);
      sd_turn_data_row (t, extreme < 0 ? "the cheapest of the list" : "the most expensive of the list");
    }
  else if (k > s->choices->len)
    none = TRUE;   /* "5" of a list of three: the list again, and how to pick */
  else if (k > 0)
    id = g_array_index (s->choices, gint64, k - 1);
  else
    {
      /* of those the reply's own name fits, when it names one ("the white lovebird lantern") */
      g_autoptr(GArray) narrowed = sd_entity_extractor_narrow (t->self->extractor,
                                                               t->candidates ? t->candidates : s->candidates,
                                                               t->trace->text);
      for (guint i = narrowed->len; t->candidates && i-- > 0;)
        if (!has_id (s->candidates, g_array_index (narrowed, gint64, i)))
          g_array_remove_index (narrowed, i);
      if (narrowed->len == 1)
        id = g_array_index (narrowed, gint64, 0);
      else if (narrowed->len > 1 && narrowed->len < s->candidates->len)
        again = g_steal_pointer (&narrowed);
      /* "the purple one" of lanterns none of which is purple: not the purple notebooks
       * (the name's own products), nor a shrug, but the list again */
      none = again == NULL && id == 0 && looks_like_a_pick (t->trace->text);
    }
  if (again || none || id != 0 || looks_like_a_pick (t->trace->text))
    set_mood_aside (t, SD_MOOD_ASIDE_CHOICE);
  if (again || none)
    {
      g_autofree char *question = g_strdup (g_hash_table_lookup (s->slots, "_question"));
      g_autofree char *name = none ? g_strdup (s->choices_name) : NULL;
      g_autoptr(GArray) ids = none ? g_array_ref (s->candidates) : g_steal_pointer (&again);
      *asked_again = TRUE;
      ask_which_product (t, form, ids, name, none ? WHICH_NONE : WHICH_AGAIN, question ? question : t->trace->text);
      return NULL;
    }
  sd_chat_session_clear_choices (s);
  if (id == 0)
    return NULL;
  sd_turn_data_row (t, "picked from the list: products.id=%" G_GINT64_FORMAT, id);
  g_hash_table_insert (s->slots, g_strdup ("product_ref"), g_strdup_printf ("%" G_GINT64_FORMAT, id));
  {
    /* the product is the one picked, not a word of the answer ("the cream one": cream) */
    g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
    if (stmt)
      {
        sqlite3_bind_int64 (stmt, 1, id);
        sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 1))
          g_hash_table_insert (s->slots, g_strdup ("product"), g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      }
  }
  t->picked = TRUE;
  return form;
}

/* "and the cheapest?", "most expensive lantern?": the review-trained model hears a mood in
 * "expensive" and "cheap", which a bare question of price does not have. */
static void
price_question_mood (SdTurn *t)
{
  if (sd_sentiment_is_bare_request (t->trace->text))
    set_mood_aside (t, SD_MOOD_ASIDE_BARE_REQUEST);
}

/* Product @id, the answer to a question of price, into @one by name and price (and stock,
 * @with_stock), and then the product talked about. FALSE if it is not there. */
static gboolean
extreme_found (SdTurn *t, gint64 id, gboolean with_stock, GString *one)
{
  SdChatSession *s = t->session;
  g_autoptr(SdStmt) stmt = id ? sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL) : NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  price_question_mood (t);
  sd_turn_append_product (t, one, stmt, with_stock);
  sd_chat_session_clear_choices (s);
  g_hash_table_insert (s->slots, g_strdup ("product_ref"), g_strdup_printf ("%" G_GINT64_FORMAT, id));
  if (sqlite3_column_text (stmt, 1))
    g_hash_table_insert (s->slots, g_strdup ("product"), g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  return TRUE;
}

/* "cheapest lantern?", "how much is the most expensive sign", 最便宜的台灯: of the products
 * @ids the name @name fits, the cheapest (@direction -1) or the dearest, by name and price,
 * which is then the product talked about. */
gboolean
sd_turn_answer_price_extreme (SdTurn *t, GArray *ids, const char *name, int direction)
{
  SdChatSession *s = t->session;
  g_autoptr(GString) one = g_string_new (NULL);
  g_autofree char *count = sd_format_count (ids->len);

  sd_turn_data_row (t, "products: %u fit “%s”; the %s", ids->len, name, direction < 0 ? "cheapest" : "most expensive");
  if (!extreme_found (t, extreme_priced (t, ids, direction), FALSE, one))
    return FALSE;
  g_free (s->extreme_name);
  s->extreme_name = g_strdup (name);
  sd_turn_var (t, "name", name);
  sd_turn_var (t, "count", count);
  sd_turn_var (t, "product", one->str);
  /* the mood model hears upset in "and the most expensive?": a price asked for is no mood */
  set_mood_aside (t, SD_MOOD_ASIDE_PRICE_EXTREME);
  sd_turn_reply (t, direction < 0 ? "sys.cheapest" : "sys.dearest", SD_TURN_ANSWER);
  return TRUE;
}

/* The kind of product a price question with no product found in it names, besides the
 * words of any such question ("most expensive teleporter?": "teleporter"; 最贵的台灯 on a
 * shop whose titles are English: 台灯), or NULL ("what's the cheapest?", 你们最贵的东西是什么). */
static char *
extreme_kind (const char *text)
{
  static GRegex *slot;
  static const char *const filler[] = {
    "what", "what's", "whats", "which", "is", "are", "was", "the", "a", "an", "your", "you", "have",
    "has", "got", "do", "does", "one", "ones", "thing", "things", "item", "items", "product",
    "products", "of", "in", "on", "at", "shop", "store", "here", "and", "please", "me", "show",
    "tell", "i", "can", "could", "buy", "get", "sell", "there", "it", "that", "this", "how",
    "much", "for", "price", "cost", "costs", "something", "anything", "all", "whole", "ever",
    "we", "us", "our", "you've", "available", "now", "then", "so", "ok", "okay", "hi", "hello",
    "by", "far", "really", "very", "would", "like", "want", "to", "know", "s", "what're", "option",
    "options", "choice", "choices", "stuff", "sold", "selling", "currently", "right", "website",
    "site", "online", "recommend", NULL
  };
  static const char zh_filler[] = "的是哪个款件样种一什么东西商品产品你们您我店里家有吗呢请问下这那了啊呀多少钱价格卖";
  GRegex *re = regex_once (&slot,
      "\\b(cheapest|least\\s+expensive|lowest[- ]priced|lowest\\s+price|most\\s+affordable|most\\s+expensive"
      "|dearest|priciest|highest[- ]priced|highest\\s+price)\\b|最便宜|最实惠|价格最低|最低价|最贵|价格最高|最高价");
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *rest = re ? g_regex_replace_literal (re, folded, -1, 0, " ", 0, NULL) : NULL;
  g_autoptr(GString) han = g_string_new (NULL);
  g_autoptr(GString) words = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;

  if (rest == NULL)
    return NULL;
  for (const char *p = rest; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_type (c) == G_UNICODE_OTHER_LETTER)
        {
          char one[8] = { 0 };
          g_unichar_to_utf8 (c, one);
          if (strstr (zh_filler, one) == NULL)
            g_string_append (han, one);
        }
    }
  if (g_utf8_strlen (han->str, -1) >= 2)
    return g_string_free (g_steal_pointer (&han), FALSE);
  parts = g_regex_split_simple ("[^a-z'-]+", rest, 0, 0);
  for (guint i = 0; parts[i]; i++)
    if (strlen (parts[i]) > 1 && !g_strv_contains (filler, parts[i]))
      g_string_append_printf (words, "%s%s", words->len ? " " : "", parts[i]);
  return words->len ? g_string_free (g_steal_pointer (&words), FALSE) : NULL;
}

/* "what's the most expensive?", 最便宜的是哪个, no product named and no list to pick from: the
 * shop's cheapest (@direction -1) or dearest product, in stock where the shop knows its
 * stock (the likeliest of those at that price), which is then the product talked about,
 * and how to ask of one kind. A demo's first question, better answered than asked back. */
static gboolean
answer_shop_extreme (SdTurn *t, int direction)
{
  gboolean stock = sd_dialogue_tracks_stock (t->self);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) one = g_string_new (NULL);
  g_autoptr(SdStmt) at_price = sd_store_prepare (t->self->store, direction < 0
      ? "SELECT p.id FROM products p WHERE " SD_CHAT_SELLS_PRODUCT ("p") " AND (?1 = 0 OR p.stock > 0) "
        "AND p.price_cents = (SELECT MIN (q.price_cents) FROM products q "
        "                     WHERE " SD_CHAT_SELLS_PRODUCT ("q") " AND (?1 = 0 OR q.stock > 0))"
      : "SELECT p.id FROM products p WHERE " SD_CHAT_SELLS_PRODUCT ("p") " AND (?1 = 0 OR p.stock > 0) "
        "AND p.price_cents = (SELECT MAX (q.price_cents) FROM products q "
        "                     WHERE " SD_CHAT_SELLS_PRODUCT ("q") " AND (?1 = 0 OR q.stock > 0))", NULL);

  if (at_price == NULL)
    return FALSE;
  sqlite3_bind_int (at_price, 1, stock);
  while (sqlite3_step (at_price) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (at_price, 0);
      g_array_append_val (ids, id);
    }
  sd_turn_data_row (t, "products: the %s the shop sells%s", direction < 0 ? "cheapest" : "most expensive",
            stock ? " in stock" : "");
  if (!extreme_found (t, extreme_priced (t, ids, direction), TRUE, one))
    return FALSE;
  sd_turn_var (t, "product", one->str);
  set_mood_aside (t, SD_MOOD_ASIDE_PRICE_EXTREME);
  sd_turn_reply (t, direction < 0 ? "sys.cheapest.shop" : "sys.dearest.shop", SD_TURN_ANSWER);
  return TRUE;
}

/* A price question that names no product and picks from no list ("what's the most
 * expensive?", "and the cheapest?"): of the kind @last_name the last reply answered so about,
 * or a kind the shop does not have said not found ("most expensive teleporter?"), or else of
 * all the shop sells. */
gboolean
sd_turn_answer_unnamed_extreme (SdTurn *t, int direction, const char *last_name)
{
  g_autofree char *kind = extreme_kind (t->trace->text);
  g_autoptr(GArray) again = last_name ? sd_entity_extractor_products_with_words (t->self->extractor, last_name) : NULL;

  if (kind)
    {
      /* "the most expensive teleporter": not the shop's most expensive, but not found */
      product_not_found (t, "product_question", kind, t->trace->text);
      return TRUE;
    }
  if (again && again->len > 1)
    return sd_turn_answer_price_extreme (t, again, last_name, direction);
  return answer_shop_extreme (t, direction);
}


/* Questions about one product: the one named now, or the last one named. */
/* Of @ids, those the search just before listed ("how much is the regency one?" after a search
 * for cake stands: REGENCY CAKESTAND 3 TIER, not the 17 REGENCY products of the shop), or
 * NULL when none of them is, or the turn before was no search. */
static GArray *
narrowed_to_shown (SdTurn *t, GArray *ids)
{
  SdChatSession *s = t->session;
  const SdTurnRecord *before = s->turns->len ? s->turns->pdata[s->turns->len - 1] : NULL;
  if (before == NULL || g_strcmp0 (before->intent, "product_search") != 0 || s->shown == NULL)
    return NULL;
  GArray *both = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < s->shown->len; i++)
    if (has_id (ids, g_array_index (s->shown, gint64, i)))
      g_array_append_val (both, g_array_index (s->shown, gint64, i));
  if (both->len == 0)
    g_clear_pointer (&both, g_array_unref);
  else
    sd_turn_data_row (t, "products: %u of the %u the search listed fit", both->len, s->shown->len);
  return both;
}

void
sd_turn_handle_product_detail (SdTurn *t, const char *intent)
{
  SdChatSession *s = t->session;
  /* the question asked before "which product?", when this message answers that */
  g_autofree char *asked = g_strcmp0 (s->form, intent) == 0
                           ? g_strdup (g_hash_table_lookup (s->slots, "_question")) : NULL;
  g_autofree char *question = asked ? g_strconcat (asked, " ", t->trace->text, NULL) : g_strdup (t->trace->text);
  /* a name no product was found by is not the product talked about before: "杯子 价格"
   * after a lantern is not found; "the doormat" is one of the doormats, or one of them */
  g_autofree char *said = t->named_product || t->picked ? NULL : asked_name (t);
  if (said)
    {
      g_autoptr(GArray) ids = sd_entity_extractor_products_with_words (t->self->extractor, said);
      const char *current = g_hash_table_lookup (s->slots, "product_ref");
      if (ids->len == 0)
        {
          product_not_found (t, intent, said, question);
          return;
        }
      GArray *shown = ids->len > 1 ? narrowed_to_shown (t, ids) : NULL;
      if (shown)
        {
          g_array_unref (ids);
          ids = shown;
        }
      if (!has_id (ids, current ? g_ascii_strtoll (current, NULL, 10) : 0))
        {
          if (ids->len > 1)
            {
              ask_which_product (t, intent, ids, said, WHICH_FIRST, question);
              return;
            }
          g_hash_table_insert (s->slots, g_strdup ("product_ref"),
                               g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 0)));
        }
    }
  /* a name several products fit, none of them given whole, nor the one just talked about:
   * "what colours does the lantern come in?" asks which lantern */
  if (t->named_product && !t->picked && t->candidates && t->candidates->len > 1 && !t->in_full)
    {
      gint64 previous = t->previous_ref ? g_ascii_strtoll (t->previous_ref, NULL, 10) : 0;
      if (!has_id (t->candidates, previous))
        {
          ask_which_product (t, intent, t->candidates, t->product->text, WHICH_FIRST, question);
          return;
        }
      g_hash_table_insert (s->slots, g_strdup ("product_ref"), g_strdup (t->previous_ref));
    }
  const char *ref = g_hash_table_lookup (s->slots, "product_ref");
  if (ref == NULL)
    {
      /* "which product?" — the question is answered once the product is named */
      wait_for_product (t, intent, question);
      g_autofree char *ask = g_strconcat (intent, ".ask", NULL);
      sd_turn_reply (t, ask, SD_TURN_ASK);
      return;
    }
  g_hash_table_remove (s->slots, "_question");
  sd_chat_session_set_form (s, NULL);
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (ref, NULL, 10));
  sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_hash_table_remove (s->slots, "product_ref");
      sd_turn_reply (t, "product_search.none", SD_TURN_ANSWER);
      return;
    }
  g_autoptr(GString) line = g_string_new (NULL);
  sd_turn_append_product (t, line, stmt, strcmp (intent, "stock_availability") == 0);
  sd_turn_var (t, "products", line->str);
  /* Sizes too are answered from the product's own description: a shop's sizing is its
   * own, and "true to size" said of every product would be a guess. */
  if (strcmp (intent, "product_question") == 0 || strcmp (intent, "size_fit") == 0)
    {
      /* the sentence of the description that answers, or an honest "it does not say" */
      const char *desc = (const char *) sqlite3_column_text (stmt, 4);
      const char *title = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *sentence = NULL;
      if (strcmp (intent, "product_question") == 0 && sd_dialogue_asks_price (question))
        {
          g_autofree char *price = sd_turn_money (t, sqlite3_column_int64 (stmt, 2));
          g_autofree char *costs = g_strdup_printf (L (t, "it costs %s.", "售价%s。"), price);
          sd_turn_var (t, "products", title);   /* the price once, not also in brackets */
          sd_turn_var (t, "details", costs);
          sd_turn_reply (t, intent, SD_TURN_ANSWER);
          return;
        }
      sentence = sd_product_answer_find (desc, question, title, NULL);
      if (sentence)
        {
          sd_turn_data_row (t, "description: “%s”", sentence);
          sd_turn_var (t, "details", sentence);
        }
      else if ((sentence = sd_product_answer_from_title (title, question)))
        {
          /* Online Retail has titles only: "WHITE MOROCCAN METAL LANTERN" says its colour */
          g_autofree char *says = g_strdup_printf (L (t, "its name says “%s”; its description says no more, and "
                                                         "I'd rather not guess. Shall I ask a person from our team?",
                                                      "商品名称写的是“%s”；商品描述里没有更多信息，我不想乱猜。"
                                                      "需要我请人工客服帮您确认吗？"), sentence);
          sd_turn_data_row (t, "title: “%s”", title);
          sd_turn_var (t, "details", says);
          s->handoff_offered = !s->handed_off;
          t->answer_offers = TRUE;
        }
      else
        {
          sd_turn_var (t, "details", L (t, "its description doesn't say, and I'd rather not guess. "
                                           "Shall I ask a person from our team?",
                                        "商品描述里没有提到这一点，我不想乱猜。需要我请人工客服帮您确认吗？"));
          s->handoff_offered = !s->handed_off;
          t->answer_offers = TRUE;
        }
    }
  else if (strcmp (intent, "stock_availability") == 0)
    {
      int stock = sqlite3_column_int (stmt, 3);
      if (!sd_dialogue_tracks_stock (t->self))
        {
          sd_dialogue_append_sentence (t->lang, t->suffix,
                                       L (t, "The shop's data has no stock levels, so I can't tell whether it is in stock: "
                                             "shall I ask a person from our team?",
                                          "店铺数据里没有库存信息，我没法确认是否有货。需要我请人工客服帮您确认吗？"));
          s->handoff_offered = !s->handed_off;
          t->answer_offers = TRUE;
        }
      else if (stock > 0 && stock < 5)
        {
          g_autofree char *left = g_strdup_printf (L (t, "%s — only %d left", "%s——仅剩%d件"),
                                                   line->str, stock);
          sd_turn_var (t, "products", left);
        }
    }
  sd_turn_reply (t, intent, SD_TURN_ANSWER);
}

/* The count a price question asks for ("how much for 10?", "price of 24?", "10个多少钱"): one
 * whole number of at most five digits, not money, a share or a size; 0 when there is none
 * or more than one. */
static gint64
asked_count (const char *text)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  gint64 count = 0;
  guint found = 0;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("(?<![\\d.,£$€¥#-])(\\d{1,5})(?![\\d.,%]|\\s*(?:£|\\$|€|¥|元|块|p\\b|cm|mm|ml|kg|g\\b|pence|pounds?|percent|%))",
                                            G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL));
  if (regex == NULL)
    return 0;
  g_regex_match (regex, text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *digits = g_match_info_fetch (match, 1);
      count = g_ascii_strtoll (digits, NULL, 10);
      found++;
    }
  return found == 1 ? count : 0;
}

/* "I'd like 20", "I'll take 20 of them", "20 please", 我要买20个: a message that is nothing but
 * a count wanted, which after a product is that many of it (a count of something else names it). */
static gboolean
wants_count (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
      "^\\s*(?:(?:ok(?:ay)?|great|good|then|so|right)[,.!]?\\s*)?"
      "(?:i(?:'d|’d| would) (?:like|take|want)(?: to (?:buy|order|get))?|i(?:'ll|’ll| will) (?:take|buy|order|have)"
      "|i (?:want|need)(?: to (?:buy|order|get))?|(?:can|could|may) i (?:get|have|order|buy)|give me|let me (?:get|have))"
      "\\s+\\d{1,5}(?:,?\\s+(?:of (?:them|those|these|it)|pieces|pcs|units|please))*\\s*[.!?]*\\s*$"
      "|^\\s*\\d{1,5}\\s*(?:of (?:them|those|these)|pieces|pcs|units)?,?\\s*please\\s*[.!?]*\\s*$"
      "|^\\s*(?:那|好的?|好吧)?[，,]?\\s*我?(?:想|要|想要)?(?:买|订|购买|要)\\s*\\d{1,5}\\s*(?:个|件|只|套|盒|包|份)?(?:吧|的话)?"
      "(?:多少钱|一共多少钱|总共多少钱)?\\s*[。！？?!]*\\s*$");
}

/* "how much for 10?" (or "I'd like 10") just after a product was talked about: that many of
 * it at its price, not "didn't understand" (the classifier hears shipping costs, a
 * recommendation or nothing in it). FALSE when the message is no such question, or no
 * product was talked about. */
gboolean
sd_turn_answer_count_price (SdTurn *t)
{
  /* "how much is delivery for 3?" is the delivery's question */
  static GRegex *service;
  gint64 count = t->previous_ref && !t->named_product &&
                 (sd_dialogue_asks_price (t->trace->text) || wants_count (t->trace->text)) &&
                 !sd_dialogue_folded_matches (t->trace->text, &service,
                                              "\\b(deliver\\w*|shipping|ship|postage|post|courier|discount\\w*|coupons?|codes?|vouchers?)\\b"
                                              "|运费|快递|邮费|配送|优惠|折扣")
                 ? asked_count (t->trace->text) : 0;
  if (count < 2)
    return FALSE;
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (t->previous_ref, NULL, 10));
  sqlite3_bind_text (stmt, 3, t->lang, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int64 (stmt, 2) <= 0)
    return FALSE;
  g_autoptr(GString) product = g_string_new (NULL);
  sd_turn_append_product (t, product, stmt, FALSE);
  g_autofree char *total = sd_turn_money (t, count * sqlite3_column_int64 (stmt, 2));
  g_autofree char *count_text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  g_autofree char *details = g_strdup_printf (L (t, "%s of them come to %s, before any delivery cost.",
                                                 "%s 件共 %s（不含运费）。"), count_text, total);
  sd_turn_data_row (t, "products: %s × the price", count_text);
  sd_turn_var (t, "products", product->str);
  sd_turn_var (t, "details", details);
  sd_turn_reply (t, "product_question", SD_TURN_ANSWER);
  return TRUE;
}

/* "the second one", "2nd please", "第二个": a message that is nothing but a place in a list,
 * which means nothing when no list was offered ("the last one" may be an order). */
gboolean
sd_dialogue_is_bare_pick (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "^\\s*(?:(?:i(?:'ll| will)?|i'd) (?:take|want|mean|like|choose|pick)\\s+)?(?:the\\s+)?"
                                     "(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|other)(?:\\s+one)?(?:,?\\s*please)?"
                                     "\\s*[.!?]*\\s*$"
                                     "|^\\s*(?:我要|我选|要|选)?第\\s*[一二三四五六七八九十1-9](?:个|款|种|号|件)?(?:吧)?\\s*[。！？?!]*\\s*$");
}

/* "and the red one?", "what about pink?", "红色的呢？": a colour alone, asked after a product;
 * the colour as titles write it, or NULL. */
static const char *
other_colour_asked (const char *text)
{
  static const char *const en[] = {
    "red", "white", "blue", "green", "pink", "black", "cream", "yellow", "purple", "orange",
    "grey", "gray", "brown", "gold", "silver", "ivory", NULL
  };
  static const char *const zh[] = { "红", "白", "蓝", "绿", "粉", "黑", "米", "黄", "紫", "橙", "灰", "灰", "棕", "金", "银" };
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *folded = g_utf8_casefold (text, -1);

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new (
      "^\\s*(?:and|or|what about|how about|do you have|have you got|is there|got|how much is|how much for)?\\s*"
      "(?:the|a|an|it in|in)?\\s*"
      "(red|white|blue|green|pink|black|cream|yellow|purple|orange|grey|gray|brown|gold|silver|ivory)"
      "(?:\\s+(?:one|ones|version|colour|color))?(?:\\s+(?:instead|then|too|please))?\\s*[?.!]*\\s*$"
      "|^\\s*(?:那|有)?\\s*([红白蓝绿粉黑米黄紫橙灰棕金银])色?的?(?:呢|吗|有吗|有没有|多少钱|怎么卖)?\\s*[？?。！!]*\\s*$",
      G_REGEX_OPTIMIZE, 0, NULL));
  if (regex == NULL || !g_regex_match (regex, folded, 0, &match))
    return NULL;
  g_autofree char *word = g_match_info_fetch (match, 1);
  g_autofree char *han = g_match_info_fetch (match, 2);
  for (guint i = 0; en[i]; i++)
    if ((word && strcmp (word, en[i]) == 0) || (han && i < G_N_ELEMENTS (zh) && strcmp (han, zh[i]) == 0))
      return en[i];
  return NULL;
}

/* Whether @word (lower case) is one of @title's words. */
static gboolean
title_has_word (const char *title, const char *word)
{
  g_autofree char *folded = g_utf8_casefold (title, -1);
  g_auto(GStrv) words = g_regex_split_simple ("[^[:alnum:]]+", folded, 0, 0);
  return g_strv_contains ((const char *const *) words, word);
}

/* "and the red one?" just after the WHITE HANGING HEART T-LIGHT HOLDER: the red one of the same
 * kind (its title with the colour words left out), not the first product with "red" in it
 * nor a question back; said not found when the shop has none. FALSE when the message asks
 * no such thing or no product was talked about. */
gboolean
sd_turn_answer_other_colour (SdTurn *t)
{
  const char *colour = t->previous_ref ? other_colour_asked (t->trace->text) : NULL;
  if (colour == NULL)
    return FALSE;
  gint64 previous = g_ascii_strtoll (t->previous_ref, NULL, 10);
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store, "SELECT title FROM products WHERE id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, previous);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  /* the kind: the title without its colours ("HANGING HEART T-LIGHT HOLDER"), or, when the
   * shop has none of it in that colour, the name searched with ("jumbo bag", after a list of
   * them whose likeliest was JUMBO BAG OWLS) */
  g_autoptr(GString) kind = g_string_new (NULL);
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(SdStmt) product = sd_store_prepare (t->self->store, PRODUCT_COLUMNS "WHERE p.id = ?1", NULL);
  const char *kinds[] = { (const char *) sqlite3_column_text (stmt, 0),
                          t->previous_name };
  gint64 first = 0;
  guint n = 0;
  for (guint k = 0; k < G_N_ELEMENTS (kinds) && n == 0 && kinds[k]; k++)
    {
      g_autofree char *folded = g_utf8_casefold (kinds[k], -1);
      g_auto(GStrv) words = g_regex_split_simple ("\\s+", folded, 0, 0);
      g_string_truncate (kind, 0);
      for (guint i = 0; words[i]; i++)
        if (*words[i] && other_colour_asked (words[i]) == NULL)
          g_string_append_printf (kind, "%s%s", kind->len ? " " : "", words[i]);
      if (kind->len == 0)
        return FALSE;
      g_autoptr(GArray) same_kind = sd_entity_extractor_products_with_words (t->self->extractor, kind->str);
      for (guint i = 0; product && i < same_kind->len && n < 5; i++)
        {
          gint64 id = g_array_index (same_kind, gint64, i);
          sqlite3_reset (product);
          sqlite3_bind_int64 (product, 1, id);
          sqlite3_bind_text (product, 3, t->lang, -1, SQLITE_STATIC);
          if (id == previous || sqlite3_step (product) != SQLITE_ROW ||
              !title_has_word ((const char *) sqlite3_column_text (product, 1), colour))
            continue;
          sd_turn_append_product (t, found, product, TRUE);
          first = first ? first : id;
          n++;
        }
    }
  /* the mood model hears upset in "and the red one?": a colour asked for is no mood */
  set_mood_aside (t, SD_MOOD_ASIDE_OTHER_COLOUR);
  g_autofree char *name = g_strdup_printf ("%s %s", colour, kind->str);
  sd_turn_data_row (t, "products: the %s one of “%s”", colour, kind->str);
  g_hash_table_insert (t->session->slots, g_strdup ("product"), g_strdup (name));
  if (n == 0)
    {
      g_hash_table_insert (t->session->slots, g_strdup ("product_ref"), g_strdup (t->previous_ref));
      sd_turn_var (t, "name", name);
      sd_turn_var (t, "similar", "");
      sd_turn_reply (t, "sys.product_not_found", SD_TURN_ANSWER);
      return TRUE;
    }
  g_hash_table_insert (t->session->slots, g_strdup ("product_ref"), g_strdup_printf ("%" G_GINT64_FORMAT, first));
  sd_turn_var (t, "products", found->str);
  sd_turn_reply (t, "product_search", SD_TURN_ANSWER);
  return TRUE;
}
