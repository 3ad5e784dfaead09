/* sd-dialogue-orders.c — questions about one order, and the order numbers in a message */
#include "config.h"

#include "sd-chat-corpus.h"
#include "sd-dialogue-private.h"
#include "sd-shop-settings.h"

typedef struct {
  gint64 id;
  gint64 customer_id;
  char  *external_id;
  char  *status;
  gint64 placed_at;
} Order;

static void
order_clear (Order *o)
{
  g_free (o->external_id);
  g_free (o->status);
}

/* The order named @value in any of the forms people write it. */
static gboolean
find_order (SdTurn *t, const char *value, Order *o)
{
  g_autofree char *digits = NULL;
  const char *d = value;
  while (*d && !g_ascii_isdigit (*d))
    d++;
  digits = g_strdup (d);
  const char *candidates[] = {
    value, digits, NULL, NULL, NULL
  };
  g_autofree char *hash = g_strconcat ("#", digits, NULL);
  g_autofree char *sd = g_strconcat ("SD-", digits, NULL);
  /* formats match letters in any case: "inv-000123" is INV-000123 */
  g_autofree char *upper = g_ascii_strup (value, -1);
  candidates[2] = hash;
  candidates[3] = sd;
  candidates[4] = upper;

  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT id, customer_id, external_id, status, placed_at FROM orders "
      "WHERE external_id IN (?1, ?2, ?3, ?4, ?5) LIMIT 1", NULL);
  if (stmt == NULL)
    return FALSE;
  for (int i = 0; i < 5; i++)
    sqlite3_bind_text (stmt, i + 1, candidates[i], -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  o->id = sqlite3_column_int64 (stmt, 0);
  o->customer_id = sqlite3_column_int64 (stmt, 1);
  o->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  o->status = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  o->placed_at = sqlite3_column_int64 (stmt, 4);
  return TRUE;
}

static const char *
status_text (SdTurn *t, const char *status)
{
  static const struct { const char *key, *en, *zh; } names[] = {
    { "paid", "paid and waiting to be shipped", "已付款，等待发货" },
    { "shipped", "shipped", "已发货" },
    { "delivered", "delivered", "已送达" },
    { "cancelled", "cancelled", "已取消" },
    { "refunded", "refunded", "已退款" },
    { "completed", "completed", "已完成" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (status, names[i].key) == 0)
      return L (t, names[i].en, names[i].zh);
  return status ? status : "";
}

/* What the shop says to expect for an order in @status ("orders.eta.paid", …, per
 * language); nothing when it has not said, rather than a made-up delivery time. */
static char *
eta_text (SdTurn *t, const char *status)
{
  g_autofree char *key = NULL;
  char *text;

  if (g_strcmp0 (status, "completed") == 0)
    return g_strdup (L (t, "It should have reached you long ago; if it never arrived, tell me and I'll pass it to a person.",
                        "这个订单早就应该送达了；如果您一直没有收到，请告诉我，我为您转接人工客服。"));
  key = g_strdup_printf ("orders.eta.%s", status ? status : "");
  text = sd_turn_shop_setting (t, key);
  return text ? text : g_strdup ("");
}

/* The shop's "now": a shop that declares its own date (the demo shop, whose orders stop
 * at a fixed day) is answered as of that day; every other shop as of today. */
static gint64
shop_now (SdTurn *t)
{
  g_autofree char *reference = NULL;

  if (t->self->now)
    return g_date_time_to_unix (t->self->now);
  reference = sd_store_get_setting (t->self->store, "shop.reference_time");
  if (reference && g_ascii_strtoll (reference, NULL, 10) > 0)
    return g_ascii_strtoll (reference, NULL, 10);
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* An order still paid or shipped long after the shop's delivery window is done with: its
 * export never said "delivered" (Online Retail's 2011 invoices are all "paid"). */
static const char *
effective_status (SdTurn *t, const Order *o)
{
  g_autofree char *window = NULL;
  gint64 days = 30;

  if (g_strcmp0 (o->status, "paid") != 0 && g_strcmp0 (o->status, "shipped") != 0)
    return o->status;
  window = sd_store_get_setting (t->self->store, "shipping.window_days");
  if (window && g_ascii_strtoll (window, NULL, 10) > 0)
    days = g_ascii_strtoll (window, NULL, 10);
  return shop_now (t) - o->placed_at > days * 86400 ? "completed" : o->status;
}

/* The order's lines; a cancellation's (Online Retail's C invoices hold the lines taken back,
 * with quantities below zero) as the counts taken back, and @taken_back set. */
static char *
order_items (SdTurn *t, gint64 order_id, gboolean *taken_back)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT l.quantity, COALESCE (x.title, p.title), p.id FROM order_lines l "
      "LEFT JOIN products p ON p.id = l.product_id "
      "LEFT JOIN product_texts x ON x.product_id = p.id AND x.lang = ?2 "
      "WHERE l.order_id = ?1 ORDER BY l.line_no LIMIT 10", NULL);
  GString *s = g_string_new (NULL);
  *taken_back = FALSE;
  if (stmt == NULL)
    return g_string_free (s, FALSE);
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_text (stmt, 2, t->lang, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *title = (const char *) sqlite3_column_text (stmt, 1);
      if (s->len)
        g_string_append (s, L (t, ", ", "、"));
      int quantity = sqlite3_column_int (stmt, 0);
      *taken_back |= quantity < 0;
      g_string_append_printf (s, "%d × %s", ABS (quantity),
                              title ? title : L (t, "(a product no longer listed)", "（已下架商品）"));
      sd_turn_data_row (t, "products.id=%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 2));
    }
  return g_string_free (s, FALSE);
}

/* "24 × PINK NEW BAROQUECANDLESTICK CANDLE at £0.85 each": one line of an order @stmt is on
 * (quantity, title, product id, unit price), appended to @out. */
static void
append_line (SdTurn *t, GString *out, sqlite3_stmt *stmt)
{
  const char *title = (const char *) sqlite3_column_text (stmt, 1);
  g_autofree char *price = sd_turn_money (t, sqlite3_column_int64 (stmt, 3));

  if (out->len)
    g_string_append (out, L (t, "; ", "；"));
  int quantity = ABS (sqlite3_column_int (stmt, 0));
  g_string_append_printf (out, quantity == 1 ? L (t, "%d × %s at %s", "%d × %s（%s）") : L (t, "%d × %s at %s each", "%d × %s（单价 %s）"),
                          quantity, title ? title : L (t, "(a product no longer listed)", "（已下架商品）"), price);
}

/* What a delivery problem is about within the order: the lines whose products the message
 * names ("a broken candle": its candles, with their counts and prices), or, when it names
 * none of them, what the order had, so the customer can say which item it was. */
static char *
delivery_lines (SdTurn *t, gint64 order_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT l.quantity, COALESCE (x.title, p.title), p.id, l.unit_price_cents FROM order_lines l "
      "LEFT JOIN products p ON p.id = l.product_id "
      "LEFT JOIN product_texts x ON x.product_id = p.id AND x.lang = ?2 "
      "WHERE l.order_id = ?1 ORDER BY l.line_no", NULL);
  g_autoptr(GHashTable) named = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) matched = g_string_new (NULL);
  g_autoptr(GString) all = g_string_new (NULL);
  guint lines = 0;

  if (stmt == NULL)
    return NULL;
  /* the products each name of the message fits ("candle": every candle of the shop) */
  for (guint i = 0; i < t->trace->entities->len; i++)
    {
      const SdEntity *e = t->trace->entities->pdata[i];
      if (e->kind != SD_ENTITY_PRODUCT)
        continue;
      g_autoptr(GArray) ids = sd_entity_extractor_products_named (t->self->extractor, e, NULL);
      for (guint k = 0; k < ids->len; k++)
        g_hash_table_add (named, g_memdup2 (&g_array_index (ids, gint64, k), sizeof (gint64)));
      g_string_append_printf (words, "%s%s", words->len ? L (t, ", ", "、") : "", e->text);
    }
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_text (stmt, 2, t->lang, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 product = sqlite3_column_int64 (stmt, 2);
      lines++;
      if (g_hash_table_contains (named, &product))
        {
          append_line (t, matched, stmt);
          sd_turn_data_row (t, "orders: line of products.id=%" G_GINT64_FORMAT " named", product);
        }
      else if (lines <= 5)
        append_line (t, all, stmt);
    }
  if (matched->len)
    return g_strdup_printf (L (t, "What it had of “%s”: %s.", "订单里的“%s”：%s。"), words->str, matched->str);
  if (lines == 0)
    return NULL;
  if (lines > 5)
    g_string_append_printf (all, L (t, " and %u more lines", "，另有 %u 种商品"), lines - 5);
  if (words->len)
    return g_strdup_printf (L (t, "It had no “%s”; it had %s.",
                               "这个订单里没有“%s”；订单包含：%s。"), words->str, all->str);
  return g_strdup_printf (L (t, "It had %s.", "订单包含：%s。"), all->str);
}

/* Intents that are about one order: they need an order number and a signed-in customer. */

/* Whether @text matches @pattern (case-folded; PCRE, compiled once per pattern). */
gboolean
sd_dialogue_folded_matches (const char *text,
                            GRegex    **regex,
                            const char *pattern)
{
  if (g_once_init_enter (regex))
    g_once_init_leave (regex, g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL));
  g_autofree char *folded = g_utf8_casefold (text, -1);
  return *regex && g_regex_match (*regex, folded, 0, NULL);
}

/* "my last order", "the most recent one", "最近的订单", "上一单": the customer's newest order,
 * which the bot can look up rather than ask the number of. */
gboolean
sd_dialogue_names_newest_order (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(last|latest|most recent|recent|newest|previous)\\s+"
                                     "(one|order|orders|purchase|parcel|package|delivery|thing i (bought|ordered))\\b"
                                     "|\\bthe last one\\b|\\bi (just|recently) (ordered|bought)\\b"
                                     "|最近的?(那|这|一)?(个|笔|次)?(订单|单|买的|购买)|最近的?(那|一)(个|笔|单)"
                                     "|最新的?(那|一)?(个|笔)?(订单|单)|上一(个|笔|次)?(订单|单)|最后一(个|笔)?订单");
}

/* sd_dialogue_names_newest_order() in words that say it is an order ("my last order", 上一单),
 * not "the last one", which after "Which one do you mean?" is a place in the list. */
gboolean
sd_dialogue_names_newest_order_by_name (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_names_newest_order (text) &&
         sd_dialogue_folded_matches (text, &regex, "\\b(order|orders|purchase|parcel|package|delivery|bought|ordered)\\b|订单|单|买");
}

/* "I don't know the number", "I forgot my order number", "订单号我忘了", "找不到订单号": asked
 * which order, the customer cannot say; a signed-in customer's orders are the bot's to look
 * up instead. */
gboolean
sd_dialogue_lacks_order_number (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(don'?t|do not|dont|didn'?t|did not|can'?t|cannot|can not|couldn'?t|could not)\\s+"
                                     "(know|remember|recall|find|have)\\b.*\\b(number|no|num|confirmation|e-?mail|receipt)\\b"
                                     "|\\b(forgot|forgotten|lost|deleted)\\b.*\\b(number|no|num|confirmation|e-?mail|receipt)\\b"
                                     "|^\\s*(i\\s+)?(don'?t|do not|dont)\\s+(know|remember)\\s*[.!]*\\s*$|^\\s*no idea\\s*[.!]*\\s*$"
                                     "|(不知道|不记得|忘了|忘记了?|找不到|没有|记不清|记不得)[^，。？]{0,4}(订单号|单号|号码|订单编号|编号)"
                                     "|(订单号|单号|号码|订单编号|编号)[^，。？]{0,6}(不知道|不记得|忘了|忘记了?|找不到|记不清|记不得)");
}

/* "If you meant another: 560123 (1 Aug 2011), 553001 (2 Jul 2011).": the customer's orders
 * before @newest, not cancelled, at most two; NULL when there are none. */
static char *
orders_before (SdTurn *t, const char *newest)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT external_id, placed_at FROM orders WHERE customer_id = ?1 AND status <> 'cancelled' "
      "AND external_id <> ?2 ORDER BY placed_at DESC, id DESC LIMIT 2", NULL);
  g_autoptr(GString) list = g_string_new (NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, t->session->customer_id);
  sqlite3_bind_text (stmt, 2, newest, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *when = sd_turn_date_text (t, sqlite3_column_int64 (stmt, 1));
      if (list->len)
        g_string_append (list, L (t, ", ", "、"));
      g_string_append_printf (list, L (t, "%s (%s)", "%s（%s）"), (const char *) sqlite3_column_text (stmt, 0), when);
    }
  if (list->len == 0)
    return NULL;
  return g_strdup_printf (L (t, "That is your most recent order; if you meant another, tell me its number: before it came %s.",
                             "这是您最近的一个订单；如果您问的是别的订单，请告诉我订单号：在它之前还有 %s。"), list->str);
}

/* A short follow-up about the order just talked about: "what was in it?", "what did I
 * order?", "里面有什么？". Only asked of a message the classifier could not place, or read as
 * a question about a product when none was named. */
gboolean
sd_dialogue_asks_about_the_order (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(in it|in there|inside|in that( one| order)?|in the (order|parcel|package|box))\\b"
                                     "|\\bwhat did i (order|buy|get)\\b|\\b(contents?|items)\\b"
                                     "|\\bwhen (was|did) (it|that|i)\\b"
                                     "|里面|买了(什么|哪些)|有(什么|哪些)(东西|商品)|什么时候(下|买)的");
}

/* "arrived with a broken candle", "the mug was smashed", "蜡烛碎了": something of an order came
 * damaged. */
gboolean
sd_dialogue_mentions_damage (const char *text)
{
  static GRegex *regex;
  return sd_dialogue_folded_matches (text, &regex,
                                     "\\b(broken|broke|damaged|smashed|cracked|shattered|chipped|dented|crushed|torn|ripped|"
                                     "leaking|leaked|bent|squashed)\\b"
                                     "|破了|碎了|坏了|损坏|破损|摔坏|压坏|摔碎|裂了|坏的|碎的");
}

/* "After it came a cancellation, C580165 (2 Dec 2011).": the customer's newest cancellation
 * placed at or after @placed_at, or NULL. */
static char *
cancellation_after (SdTurn *t, gint64 placed_at)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (t->self->store,
      "SELECT external_id, placed_at FROM orders WHERE customer_id = ?1 AND status = 'cancelled' "
      "AND placed_at >= ?2 ORDER BY placed_at DESC, id DESC LIMIT 1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, t->session->customer_id);
  sqlite3_bind_int64 (stmt, 2, placed_at);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  g_autofree char *when = sd_turn_date_text (t, sqlite3_column_int64 (stmt, 1));
  sd_turn_data_row (t, "orders: cancellation %s after it", id);
  return g_strdup_printf (L (t, "After it came a cancellation, %s (%s).", "在它之后还有一笔取消：%s（%s）。"),
                          id, when);
}

void
sd_turn_handle_order (SdTurn *t, const char *intent)
{
  SdChatSession *s = t->session;
  const char *order = g_hash_table_lookup (s->slots, "order_id");
  if (s->customer_id == 0)
    {
      sd_chat_session_set_form (s, NULL);
      sd_turn_reply (t, "order_status.anonymous", SD_TURN_REFUSE);
      return;
    }
  /* "my last order" is the newest, also after another order was talked about; a number
   * given with it is the order meant. A cancellation is no order of the customer's (Online
   * Retail's C invoices take back lines of earlier ones): the newest order not cancelled,
   * and the answer says when a cancellation came after it. */
  g_autofree char *cancelled_after = NULL;
  g_autofree char *others = NULL;
  gboolean lacks_number = sd_dialogue_lacks_order_number (t->trace->text);
  if ((lacks_number || sd_dialogue_names_newest_order (t->trace->text)) &&
      !sd_dialogue_has_entity (t->trace->entities, SD_ENTITY_ORDER_ID))
    {
      g_autoptr(SdStmt) newest = sd_store_prepare (t->self->store,
          "SELECT external_id, placed_at, status = 'cancelled' FROM orders WHERE customer_id = ?1 "
          "ORDER BY status = 'cancelled', placed_at DESC, id DESC LIMIT 1", NULL);
      if (newest)
        {
          sqlite3_bind_int64 (newest, 1, s->customer_id);
          if (sqlite3_step (newest) == SQLITE_ROW)
            {
              g_hash_table_insert (s->slots, g_strdup ("order_id"),
                                   g_strdup ((const char *) sqlite3_column_text (newest, 0)));
              order = g_hash_table_lookup (s->slots, "order_id");
              sd_turn_data_row (t, "orders: the newest of this customer's not cancelled, %s", order);
              if (!sqlite3_column_int (newest, 2))
                cancelled_after = cancellation_after (t, sqlite3_column_int64 (newest, 1));
              /* no number to go by: the newest, and the ones before it to choose from */
              if (lacks_number)
                others = orders_before (t, order);
            }
        }
    }
  if (order == NULL)
    {
      sd_chat_session_set_form (s, intent);
      g_autofree char *ask = g_strconcat (intent, ".ask", NULL);
      gint64 id;
      g_autofree char *exists = sd_chat_corpus_get_template (t->self->store, ask, t->lang, &id);
      sd_turn_reply (t, exists ? ask : "order_status.ask", SD_TURN_ASK);
      return;
    }

  sd_chat_session_set_form (s, NULL);
  Order o = { 0 };
  sd_turn_var (t, "order_id", order);
  /* Not found and somebody else's look the same to the customer: nothing leaks. */
  if (!find_order (t, order, &o) || o.customer_id != s->customer_id)
    {
      /* The trace is shown and exported (chat --json, transcripts), so it says the same for
       * both; only the debug log, for staff, tells them apart. */
      g_debug ("order %s: %s", order, o.id ? "belongs to another customer" : "does not exist");
      sd_turn_data_row (t, "orders: no order %s for this customer", order);
      g_hash_table_remove (s->slots, "order_id");
      order_clear (&o);
      /* the refusal offers a person: a "yes" to it is a yes to that, and an upset
       * customer's offer is not made a second time after it */
      s->handoff_offered = t->answer_offers = TRUE;
      sd_turn_reply (t, "order_status.refuse", SD_TURN_REFUSE);
      return;
    }
  g_autoptr(GDateTime) placed = g_date_time_new_from_unix_utc (o.placed_at);
  g_autofree char *placed_iso = placed ? g_date_time_format (placed, "%Y-%m-%d") : g_strdup ("");
  g_autofree char *placed_text = sd_turn_date_text (t, o.placed_at);
  sd_turn_data_row (t, "orders.id=%" G_GINT64_FORMAT " %s status=%s placed=%s", o.id, o.external_id, o.status, placed_iso);
  /* Only what the shop's policy.invoices says, else a person (a menu such as "Account ›
   * Orders › Invoice" is the shop's to name); the built-in template is for staff to edit. */
  if (strcmp (intent, "invoice_request") == 0 && !sd_turn_template_by_staff (t, intent))
    {
      sd_turn_var (t, "order_id", o.external_id);
      order_clear (&o);
      sd_turn_quote_policy (t, "policy.invoices", "invoice arrangements", "发票开具方式", "invoice_request.policy");
      return;
    }

  gboolean taken_back = FALSE;
  g_autofree char *items = order_items (t, o.id, &taken_back);
  const char *status = effective_status (t, &o);
  /* A delivery gone wrong is about an order that was sent: one carried over from earlier in
   * the chat that has not even shipped is not the one meant ("the headphones I bought last
   * month broke" after an address change), so the bot asks. */
  if (strcmp (intent, "delivery_problem") == 0 && g_strcmp0 (status, "paid") == 0 &&
      !sd_dialogue_has_entity (t->trace->entities, SD_ENTITY_ORDER_ID) && !sd_dialogue_names_newest_order (t->trace->text))
    {
      sd_turn_data_row (t, "orders: %s has not shipped; asked which order", o.external_id);
      g_hash_table_remove (s->slots, "order_id");
      order_clear (&o);
      sd_chat_session_set_form (s, intent);
      sd_turn_reply (t, "delivery_problem.ask", SD_TURN_ASK);
      return;
    }
  g_autofree char *eta = eta_text (t, status);
  sd_turn_var (t, "order_id", o.external_id);
  sd_turn_var (t, "status", status_text (t, status));
  sd_turn_var (t, "placed", placed_text);
  sd_turn_var (t, "items", items);
  sd_turn_var (t, "eta", eta);
  /* what came after it and the orders before it; a delivery problem's answer ends on its
   * offer of a person, so there they go before it */
  g_autoptr(GString) notes = g_string_new (NULL);
  if (cancelled_after)
    {
      sd_turn_var (t, "cancelled_after", cancelled_after);
      sd_dialogue_append_sentence (t->lang, notes, cancelled_after);
    }
  if (others)
    sd_dialogue_append_sentence (t->lang, notes, others);
  if (strcmp (intent, "delivery_problem") != 0)
    sd_dialogue_append_sentence (t->lang, t->suffix, notes->str);
  /* "why was it cancelled?", 为什么取消了: the classifier hears a cancellation asked for, but
   * an order already cancelled is asked about: what the bot knows of it, and a person for
   * the why, which the shop's data does not hold */
  static GRegex *why;
  if (strcmp (intent, "cancel_order") == 0 && g_strcmp0 (o.status, "cancelled") == 0 &&
      sd_dialogue_folded_matches (t->trace->text, &why,
                                  "\\b(why|how come|reason)\\b|为什么|为啥|怎么会|什么原因|原因"))
    {
      sd_turn_data_row (t, "orders: %s asked why it was cancelled", o.external_id);
      intent = "order_status";
      if (taken_back)
        sd_dialogue_append_sentence (t->lang, t->suffix,
                                     L (t, "It is a cancellation: it takes those items back off an earlier order.",
                                        "这是一笔取消单：它撤销了之前订单里的这些商品。"));
      if (t->session->handed_off)
        sd_dialogue_append_sentence (t->lang, t->suffix,
                                     L (t, "Why it was cancelled isn't in what I can see; a person from our team can tell you.",
                                        "取消的原因我这里看不到，我们的同事可以告诉您。"));
      else
        {
          sd_dialogue_append_sentence (t->lang, t->suffix,
                                       L (t, "Why it was cancelled isn't in what I can see; a person from our team can tell you. Shall I put you through?",
                                          "取消的原因我这里看不到，我们的同事可以告诉您。需要为您转接人工客服吗？"));
          t->session->handoff_offered = t->answer_offers = TRUE;
        }
    }
  /* "is order C541433 a refund?": what a cancellation is in this shop's data, and that the
   * money is not the bot's to see */
  else if (taken_back && g_strcmp0 (o.status, "cancelled") == 0)
    sd_dialogue_append_sentence (t->lang, t->suffix,
                                 L (t, "It is a cancellation: it takes those items back off an earlier order. Whether money was refunded for them isn't in what I can see; a person from our team can check.",
                                    "这是一笔取消单：它撤销了之前订单里的这些商品。是否已经退款我这里看不到，我们的同事可以帮您核实。"));

  if (strcmp (intent, "cancel_order") == 0)
    {
      const char *advice;
      if (g_strcmp0 (status, "completed") == 0)
        advice = L (t, "It was completed long ago, so it can't be cancelled; if something is wrong with it, I can pass you to a person.",
                    "这个订单早已完成，无法取消；如果有问题，我可以为您转接人工客服。");
      else if (g_strcmp0 (o.status, "paid") == 0)
        {
          /* The bot cancels nothing itself, and promises no refund time the shop never
           * wrote: it quotes the shop's cancellation policy, if any, and offers a person. */
          g_autofree char *policy = sd_turn_shop_setting (t, "policy.cancellation");
          g_autoptr(GString) said = g_string_new (policy);
          if (!t->session->handed_off)
            {
              sd_dialogue_append_sentence (t->lang, said, L (t, "Shall I pass your request to a person from our team to cancel it?",
                                                             "需要我把取消申请转给人工客服处理吗？"));
              t->session->handoff_offered = t->answer_offers = TRUE;
            }
          sd_turn_var (t, "cancel_advice", said->str);
          advice = NULL;
        }
      else if (g_strcmp0 (o.status, "shipped") == 0)
        advice = L (t, "It has already shipped, so it can't be cancelled any more, but you can return it once it arrives.",
                    "订单已发货，无法再取消，收到后可以申请退货。");
      else if (g_strcmp0 (o.status, "delivered") == 0)
        advice = L (t, "It has already been delivered, so it can't be cancelled, but you can still return it.",
                    "订单已送达，无法取消，但仍可以申请退货。");
      else
        advice = L (t, "There is nothing left to cancel on it.", "这个订单无需再取消。");
      if (advice)
        sd_turn_var (t, "cancel_advice", advice);
    }
  if (strcmp (intent, "change_address") == 0)
    {
      /* The bot changes nothing itself: before shipping a person can, after it nobody can. */
      const char *advice;
      gboolean offer = TRUE;
      if (g_strcmp0 (status, "paid") == 0)
        advice = L (t, "It hasn't shipped yet, so our team can still change where it goes: shall I pass your request to a person?",
                    "订单还未发货，人工客服还可以为您修改收货地址，需要我为您转接吗？");
      else if (g_strcmp0 (status, "shipped") == 0)
        advice = L (t, "It has already shipped, so its address can't be changed any more; if it can't be delivered, a person from our team can help: shall I put you through?",
                    "订单已发货，无法再修改地址；如果无法送达，我们的同事可以帮您处理，需要为您转接人工客服吗？");
      else
        {
          advice = L (t, "It is past shipping, so there is no address left to change; if something went wrong with it, tell me.",
                      "订单已过发货环节，无需再修改地址；如果订单有问题，请告诉我。");
          offer = FALSE;
        }
      sd_turn_var (t, "address_advice", advice);
      if (offer && !t->session->handed_off)
        t->session->handoff_offered = t->answer_offers = TRUE;
    }
  g_autofree char *detail = NULL;
  if (strcmp (intent, "delivery_problem") == 0)
    {
      g_autofree char *lines = delivery_lines (t, o.id);
      g_autoptr(GString) both = g_string_new (lines);
      sd_dialogue_append_sentence (t->lang, both, notes->str);
      detail = g_string_free (g_steal_pointer (&both), FALSE);
      if (!t->session->handed_off)
        {
          t->session->handoff_offered = TRUE;   /* its template asks "shall I put you through?" */
          t->answer_offers = TRUE;
        }
    }
  order_clear (&o);
  sd_turn_reply_with_detail (t, sd_dialogue_order_form_intent (intent) ? intent : "order_status", SD_TURN_ANSWER, detail);
}

gboolean
sd_dialogue_order_form_intent (const char *intent)
{
  static const char *const forms[] = {
    "order_status", "track_package", "cancel_order", "delivery_problem", "invoice_request",
    "change_address", NULL
  };
  return intent && g_strv_contains (forms, intent);
}

static const char *const *
order_formats (SdDialogue *self)
{
  if (self->order_formats == NULL)
    self->order_formats = sd_shop_order_formats (self->store, NULL);
  return (const char *const *) self->order_formats;
}

/* What this shop's order numbers look like, for "Which order? It looks like …": its first
 * format with digits filled in (###### → 123456, SD-###### → SD-123456), so the shape is
 * real and no customer's number is shown. */
const char *
sd_dialogue_order_example (SdDialogue *self)
{
  if (self->order_example == NULL)
    {
      const char *const *formats = order_formats (self);
      self->order_example = sd_order_format_example (formats[0] ? formats[0] : "SD-######");
    }
  return self->order_example;
}

static void
take_order_span (SdTurnTrace *trace,
                 gsize        start,
                 gsize        len)
{
  SdEntity *e;

  /* A span taken as a quantity or phone number is an order number here. */
  for (guint i = trace->entities->len; i > 0; i--)
    {
      SdEntity *old = trace->entities->pdata[i - 1];
      if (old->start < start + len && start < old->end)
        g_ptr_array_remove_index (trace->entities, i - 1);
    }
  e = g_new0 (SdEntity, 1);
  e->kind = SD_ENTITY_ORDER_ID;
  e->start = start;
  e->end = start + len;
  e->text = g_strndup (trace->text + start, len);
  e->value = g_strndup (trace->text + start, len);
  /* the trace's entities stay in the order of the text, as the extractor gives them */
  guint at = 0;
  while (at < trace->entities->len && ((SdEntity *) trace->entities->pdata[at])->start < start)
    at++;
  g_ptr_array_insert (trace->entities, (gint) at, e);
}

/* Whether @format has a letter in it ("C######", "INV-######"): a word in it is no quantity,
 * price or phone number. */
static gboolean
format_has_letter (const char *format)
{
  for (const char *p = format; *p; p++)
    if (g_ascii_isalpha (*p))
      return TRUE;
  return FALSE;
}

/* In reply to "Which order?": the one word of the message in one of the shop's formats. */
static gboolean
take_formatted_order_number (SdDialogue  *self,
                             SdTurnTrace *trace)
{
  const char *const *formats = order_formats (self);
  const char *text = trace->text;
  gsize start = 0, len = 0;
  guint found = 0;

  for (gsize i = 0; text[i]; )
    {
      gsize j = i;
      /* "订单C541433是退款吗" has its number between Chinese words */
      while (text[j] && ((guchar) text[j] >= 0x80 || g_ascii_isalnum (text[j]) ||
                         strchr ("-_/#.", text[j])))
        j++;
      /* a sentence's full stop is not part of the number */
      while (j > i && text[j - 1] == '.')
        j--;
      if (j > i)
        {
          g_autofree char *word = g_strndup (text + i, j - i);
          const char *w = word;
          if (*w == '#' && !(formats[0] && formats[0][0] == '#'))
            w++;
          for (guint k = 0; formats[k]; k++)
            if (sd_order_format_matches (formats[k], w))
              {
                found++;
                start = i + (gsize) (w - word);
                len = strlen (w);
                break;
              }
          i = j;
        }
      else
        i++;
    }
  if (found != 1)
    return FALSE;
  take_order_span (trace, start, len);
  return TRUE;
}

/* Whether @word is the number of one of the shop's orders (formats match letters in any
 * case: "c541433" is C541433), and, in @product, whether it is a product's code instead. */
static gboolean
order_exists (SdDialogue *self, const char *word, gboolean *product)
{
  g_autofree char *upper = g_ascii_strup (word, -1);
  g_autoptr(SdStmt) stmt = sd_store_prepare (self->store,
      "SELECT EXISTS (SELECT 1 FROM orders WHERE external_id IN (?1, ?2)), "
      "EXISTS (SELECT 1 FROM products WHERE external_id IN (?1, ?2))", NULL);

  *product = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, word, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  *product = sqlite3_column_int (stmt, 1);
  return sqlite3_column_int (stmt, 0);
}

/* Whether @word is an invoice's shape in this shop: one of its lettered formats ("C######"),
 * or letters before digits in one of its plain ones ("C" + ######): never digits before a
 * letter, as product codes are (85123A, 84029G). */
static gboolean
invoice_shaped (const char *const *formats, const char *word)
{
  const char *digits = word;

  for (guint k = 0; formats[k]; k++)
    if (format_has_letter (formats[k]) && sd_order_format_matches (formats[k], word))
      return TRUE;
  while (g_ascii_isalpha (*digits))
    digits++;
  if (digits == word || digits - word > 4)
    return FALSE;
  if (*digits == '-')
    digits++;
  for (guint k = 0; formats[k]; k++)
    if (!format_has_letter (formats[k]) && sd_order_format_matches (formats[k], digits))
      return TRUE;
  return FALSE;
}

/* "is C541433 a refund?", "hi, my order C541433 shows REGENCY CAKESTAND, why?": a word an
 * invoice's shape in this shop names an order anywhere, with no "order" before it and no
 * question waiting, as a person reading the message would take it: each such word the shop
 * has an order of, or, when it has none of them, each that is in one of its own lettered
 * formats (a number mistyped is still meant as one, and the answer says it is not found). A
 * product's code (85123A, or one a shop writes like an invoice) is no order; a bare number
 * ("581433") still needs "order" before it or a question waiting. */
void
sd_dialogue_take_lettered_order_number (SdDialogue  *self,
                                        SdTurnTrace *trace)
{
  const char *const *formats = order_formats (self);
  const char *text = trace->text;
  typedef struct { gsize start, len; } Span;
  g_autoptr(GArray) existing = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GArray) shaped = g_array_new (FALSE, FALSE, sizeof (Span));

  for (gsize i = 0; text[i]; )
    {
      gsize j = i;
      while (g_ascii_isalnum (text[j]) || (text[j] && strchr ("-_/#.", text[j])))
        j++;
      /* a sentence's full stop is not part of the number */
      while (j > i && text[j - 1] == '.')
        j--;
      if (j == i)
        {
          i++;
          continue;
        }
      gsize start = i + (text[i] == '#' ? 1 : 0);
      g_autofree char *word = g_strndup (text + start, j - start);
      gboolean product = FALSE;
      if (*word && invoice_shaped (formats, word))
        {
          Span span = { start, j - start };
          if (order_exists (self, word, &product))
            g_array_append_val (existing, span);
          else if (!product)
            for (guint k = 0; formats[k]; k++)
              if (format_has_letter (formats[k]) && sd_order_format_matches (formats[k], word))
                {
                  g_array_append_val (shaped, span);
                  break;
                }
        }
      i = j;
    }
  GArray *taken = existing->len ? existing : shaped;
  for (guint k = 0; k < taken->len; k++)
    take_order_span (trace, g_array_index (taken, Span, k).start, g_array_index (taken, Span, k).len);
}

/* Whether the order @t's message names is one of the customer's cancellations ("C541433"):
 * a question about it is about that order, whatever words of refunds it has. Somebody
 * else's order or none is not, so nothing is told about it that the refusal would not. */
gboolean
sd_turn_names_own_cancellation (SdTurn *t)
{
  for (guint i = 0; i < t->trace->entities->len; i++)
    {
      const SdEntity *e = t->trace->entities->pdata[i];
      Order o = { 0 };
      if (e->kind != SD_ENTITY_ORDER_ID || !find_order (t, e->value, &o))
        continue;
      gboolean own = o.customer_id == t->session->customer_id && t->session->customer_id != 0 &&
                     g_strcmp0 (o.status, "cancelled") == 0;
      order_clear (&o);
      return own;
    }
  return FALSE;
}

/* In reply to "Which order?", a message that is just a number ("581433", "it's #581433")
 * names the order: a shop's own numbers often have no prefix, and without the word
 * "order" before it the extractor rightly does not call a bare number an order. */
void
sd_dialogue_take_bare_order_number (SdDialogue  *self,
                                    SdTurnTrace *trace)
{
  const char *text = trace->text;
  gsize start = 0, len = 0;
  guint runs = 0;

  if (g_utf8_strlen (text, -1) > 40)
    return;
  if (take_formatted_order_number (self, trace))
    return;
  for (gsize i = 0; text[i]; )
    {
      if (g_ascii_isdigit (text[i]))
        {
          gsize j = i;
          while (g_ascii_isdigit (text[j]))
            j++;
          if ((i == 0 || !g_ascii_isalpha (text[i - 1])) && !g_ascii_isalpha (text[j]))
            {
              runs++;
              start = i;
              len = j - i;
            }
          i = j;
        }
      else
        i++;
    }
  if (runs != 1 || len < 3 || len > 20)
    return;
  take_order_span (trace, start, len);
}
