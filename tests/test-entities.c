/* test-entities.c — hand-written cases in English and Chinese, and order ids on Bitext */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-entities.h"
#include "temp-folder.h"

static SdEntityExtractor *
catalogue (void)
{
  SdEntityExtractor *ex = sd_entity_extractor_new ();
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Vintage sage green ceramic mug", NULL, 1);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "复古灰绿色陶瓷马克杯", NULL, 1);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Wireless noise cancelling headphones", NULL, 2);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "无线降噪耳机", NULL, 2);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Lavender scented candle", NULL, 3);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Oak desk lamp", NULL, 4);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Cotton hoodie with print", NULL, 5);
  sd_entity_extractor_add_term (ex, SD_ENTITY_CATEGORY, "Kitchen", "Kitchen", 0);
  sd_entity_extractor_add_term (ex, SD_ENTITY_CATEGORY, "厨房用品", "Kitchen", 0);
  sd_entity_extractor_add_term (ex, SD_ENTITY_CATEGORY, "Home Decor", "Home Decor", 0);
  return ex;
}

/* Asserts that @text has an entity of @kind spanning @span with @value. */
static void
expect (SdEntityExtractor *ex, GDateTime *now, const char *text, SdEntityKind kind,
        const char *span, const char *value)
{
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, now);
  for (guint i = 0; i < es->len; i++)
    {
      SdEntity *e = es->pdata[i];
      g_assert_cmpuint (e->end, <=, strlen (text));
      g_assert_cmpint (strncmp (text + e->start, e->text, e->end - e->start), ==, 0);
      if (e->kind == kind && strcmp (e->text, span) == 0)
        {
          if (value && strcmp (e->value, value) != 0)
            g_error ("“%s”: %s “%s” has value “%s”, expected “%s”", text,
                     sd_entity_kind_to_string (kind), span, e->value, value);
          return;
        }
    }
  GString *got = g_string_new (NULL);
  for (guint i = 0; i < es->len; i++)
    {
      SdEntity *e = es->pdata[i];
      g_string_append_printf (got, " %s[%s]=%s", sd_entity_kind_to_string (e->kind), e->text, e->value);
    }
  g_error ("“%s”: no %s “%s”; got%s", text, sd_entity_kind_to_string (kind), span, got->str);
}

static void
expect_none (SdEntityExtractor *ex, GDateTime *now, const char *text, SdEntityKind kind)
{
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, now);
  for (guint i = 0; i < es->len; i++)
    if (((SdEntity *) es->pdata[i])->kind == kind)
      g_error ("“%s”: unexpected %s “%s”", text, sd_entity_kind_to_string (kind),
               ((SdEntity *) es->pdata[i])->text);
}

static void
test_patterns (void)
{
  g_autoptr(SdEntityExtractor) ex = catalogue ();
  /* Wednesday 15 May 2024 */
  g_autoptr(GDateTime) now = g_date_time_new_local (2024, 5, 15, 10, 0, 0);

  expect (ex, now, "where is my order SD-100234?", SD_ENTITY_ORDER_ID, "SD-100234", "SD-100234");
  expect (ex, now, "status of sd100234 please", SD_ENTITY_ORDER_ID, "sd100234", "SD-100234");
  expect (ex, now, "order #1001 hasn't arrived", SD_ENTITY_ORDER_ID, "#1001", "1001");
  expect (ex, now, "cancel ORD-5531", SD_ENTITY_ORDER_ID, "ORD-5531", "ORD-5531");
  expect (ex, now, "track order 113542617735902", SD_ENTITY_ORDER_ID, "113542617735902", NULL);
  expect (ex, now, "我的订单SD-482913到哪了", SD_ENTITY_ORDER_ID, "SD-482913", "SD-482913");
  expect (ex, now, "订单号 20240515001 还没发货", SD_ENTITY_ORDER_ID, "20240515001", NULL);
  expect_none (ex, now, "I need invoice #12588", SD_ENTITY_ORDER_ID);

  expect (ex, now, "mail me at Jane.Doe+shop@example.co.uk.", SD_ENTITY_EMAIL,
          "Jane.Doe+shop@example.co.uk", "jane.doe+shop@example.co.uk");
  expect (ex, now, "call me on +44 7700 900123", SD_ENTITY_PHONE, "+44 7700 900123", "+447700900123");
  expect (ex, now, "我的手机13812345678", SD_ENTITY_PHONE, "13812345678", "13812345678");
  expect (ex, now, "my number is 07700 900123", SD_ENTITY_PHONE, "07700 900123", "07700900123");

  expect (ex, now, "you charged me £12.50", SD_ENTITY_MONEY, "£12.50", "12.50 GBP");
  expect (ex, now, "it was 12,50 € last week", SD_ENTITY_MONEY, "12,50 €", "12.50 EUR");
  expect (ex, now, "多扣了20元", SD_ENTITY_MONEY, "20元", "20.00 CNY");
  expect (ex, now, "¥99的那个", SD_ENTITY_MONEY, "¥99", "99.00 CNY");
  expect (ex, now, "under $1,250.5", SD_ENTITY_MONEY, "$1,250.5", "1250.50 USD");
  expect (ex, now, "about 30 quid", SD_ENTITY_MONEY, "30 quid", "30.00 GBP");

  expect (ex, now, "I ordered yesterday", SD_ENTITY_DATE, "yesterday", "2024-05-14");
  expect (ex, now, "it came last Friday", SD_ENTITY_DATE, "last Friday", "2024-05-10");
  expect (ex, now, "delivered on 2024-05-01", SD_ENTITY_DATE, "2024-05-01", "2024-05-01");
  expect (ex, now, "ordered on 5 May", SD_ENTITY_DATE, "5 May", "2024-05-05");
  expect (ex, now, "by March 3rd", SD_ENTITY_DATE, "March 3rd", "2024-03-03");
  expect (ex, now, "我昨天下的单", SD_ENTITY_DATE, "昨天", "2024-05-14");
  expect (ex, now, "上周五买的", SD_ENTITY_DATE, "上周五", "2024-05-10");
  expect (ex, now, "5月1日付的款", SD_ENTITY_DATE, "5月1日", "2024-05-01");
  expect (ex, now, "下周一能到吗", SD_ENTITY_DATE, "下周一", "2024-05-20");

  expect (ex, now, "I want two mugs", SD_ENTITY_QUANTITY, "two", "2");
  expect (ex, now, "send 3 pcs", SD_ENTITY_QUANTITY, "3 pcs", "3");
  expect (ex, now, "我要两件", SD_ENTITY_QUANTITY, "两件", "2");
  expect (ex, now, "买3个", SD_ENTITY_QUANTITY, "3个", "3");
  expect_none (ex, now, "it takes 3 days", SD_ENTITY_QUANTITY);
  expect_none (ex, now, "我的订单等了两个星期还没到", SD_ENTITY_QUANTITY);
  expect_none (ex, now, "都3个月了", SD_ENTITY_QUANTITY);

  expect (ex, now, "do you have ceramic mugs", SD_ENTITY_PRODUCT, "ceramic mugs", "ceramic mug");
  expect (ex, now, "Is the MUG dishwasher safe", SD_ENTITY_PRODUCT, "MUG", "mug");
  expect (ex, now, "any wireless hedphones?", SD_ENTITY_PRODUCT, "wireless hedphones", "wireless headphone");
  expect (ex, now, "lavendar candles", SD_ENTITY_PRODUCT, "lavendar candles", "lavender candle");
  expect (ex, now, "show me home decor", SD_ENTITY_CATEGORY, "home decor", "Home Decor");
  expect (ex, now, "有马克杯吗", SD_ENTITY_PRODUCT, "马克杯", "马克杯");
  expect (ex, now, "降噪耳机有货吗", SD_ENTITY_PRODUCT, "降噪耳机", "降噪耳机");
  expect (ex, now, "看看厨房用品", SD_ENTITY_CATEGORY, "厨房用品", "Kitchen");
  /* adjectives alone are not products */
  expect_none (ex, now, "the green one please", SD_ENTITY_PRODUCT);
}

static void
test_hostile (void)
{
  g_autoptr(SdEntityExtractor) ex = catalogue ();
  static const char *const inputs[] = {
    "", "@", "a@b", "@@..", "#", "##12", "SD-", "£", "€€€", "12,", "1,2,3,4,5,6", "5月", "上周",
    "'; DROP TABLE orders; --", "\xe5\x8f", "\xff\xfe", "2024-13-45", "31 February",
  };
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, inputs[i], NULL);
      for (guint k = 0; k < es->len; k++)
        g_assert_cmpuint (((SdEntity *) es->pdata[k])->end, <=, strlen (inputs[i]));
    }
  g_autoptr(GPtrArray) bad = sd_entity_extractor_extract (ex, "SD-100234 \xff", NULL);
  g_assert_cmpuint (bad->len, ==, 0);
}

/* What the intent classifiers are given: names of two words or more (or three Chinese
 * characters or more) masked, one-word names and everything else as written. */
static void
test_mask_products (void)
{
  g_autoptr(SdEntityExtractor) ex = catalogue ();
  static const struct { const char *text, *masked; } cases[] = {
    { "is the sage green ceramic mug dishwasher safe?", "is the lamp dishwasher safe?" },
    { "my oak desk lamp and the lavender candle arrived broken", "my lamp and the lamp arrived broken" },
    { "do you have a mug?", "do you have a mug?" },                       /* one word: as written */
    { "where is order SD-100234?", "where is order SD-100234?" },         /* no product */
    { "无线降噪耳机有几种颜色？", "台灯有几种颜色？" },
    { "这个台灯多少钱", "这个台灯多少钱" },
    { "", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, cases[i].text, NULL);
      g_autofree char *masked = sd_entity_mask_products (cases[i].text, es);
      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
  /* no entities at all, or spans that do not fit the text, leave it as it is */
  g_autofree char *none = sd_entity_mask_products ("the sage green ceramic mug", NULL);
  g_assert_cmpstr (none, ==, "the sage green ceramic mug");
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, "is the sage green ceramic mug dishwasher safe?", NULL);
  g_autofree char *shorter = sd_entity_mask_products ("is the sage", es);
  g_assert_cmpstr (shorter, ==, "is the sage");
}

/* --- Bitext ---------------------------------------------------------------------- */

/* Splits RFC 4180 CSV (quoted fields may span lines) into rows of fields. */
static GPtrArray *
read_csv (const char *contents)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  for (const char *p = contents; *p; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (*p == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
      else if (*p != '\r')
        g_string_append_c (field, *p);
    }
  if (field->len || row->len)
    {
      g_ptr_array_add (row, g_strdup (field->str));
      g_ptr_array_add (rows, row);
    }
  else
    g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

/* Digits without leading zeros: Bitext's values drop them ("00004587345" → 4587345). */
static char *
norm_id (const char *s)
{
  GString *d = g_string_new (NULL);
  for (; *s; s++)
    if (g_ascii_isalnum (*s) && !(d->len == 0 && *s == '0'))
      g_string_append_c (d, g_ascii_toupper (*s));
  return g_string_free (d, FALSE);
}

static gboolean
same_id (const char *pred, const char *gold)
{
  g_autofree char *a = norm_id (pred);
  g_autofree char *b = norm_id (gold);
  /* some gold values are truncated copies of the span ("370795561790" → 3707955617) */
  return a[0] && b[0] && (strcmp (a, b) == 0 || (strlen (b) >= 6 && strstr (a, b) == a));
}

static void
test_bitext (void)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : ".", "bitext-customer-support",
                                            "Bitext_Sample_Customer_Support_Training_Dataset.csv", NULL);
  g_autofree char *contents = NULL;
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_test_skip ("bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv is absent");
      return;
    }
  g_autoptr(GPtrArray) rows = read_csv (contents);
  GPtrArray *header = rows->pdata[0];
  int c_text = -1, c_type = -1, c_value = -1, c_start = -1, c_end = -1;
  for (guint i = 0; i < header->len; i++)
    {
      const char *h = header->pdata[i];
      if (!strcmp (h, "instruction")) c_text = i;
      if (!strcmp (h, "entity_type")) c_type = i;
      if (!strcmp (h, "entity_value")) c_value = i;
      if (!strcmp (h, "start_offset")) c_start = i;
      if (!strcmp (h, "end_offset")) c_end = i;
    }
  g_assert_true (c_text >= 0 && c_type >= 0 && c_value >= 0 && c_start >= 0 && c_end >= 0);

  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();
  guint gold = 0, found = 0, predicted = 0, correct = 0, shown = 0;
  for (guint r = 1; r < rows->len; r++)
    {
      GPtrArray *row = rows->pdata[r];
      if (row->len <= (guint) MAX (c_end, c_text))
        continue;
      const char *text = row->pdata[c_text];
      gboolean is_order = strcmp (row->pdata[c_type], "order_id") == 0;
      const char *value = row->pdata[c_value];
      /* compare by text: the value, or the span when the offsets point at one */
      g_autofree char *span = NULL;
      long s = atol (row->pdata[c_start]), e = atol (row->pdata[c_end]);
      if (is_order && s >= 0 && e > s && (gsize) e <= strlen (text))
        span = g_strndup (text + s, e - s);

      g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, NULL);
      gboolean hit = FALSE;
      for (guint i = 0; i < es->len; i++)
        {
          SdEntity *ent = es->pdata[i];
          if (ent->kind != SD_ENTITY_ORDER_ID)
            continue;
          predicted++;
          gboolean ok = is_order && (same_id (ent->text, value) || (span && same_id (ent->text, span)));
          correct += ok;
          hit |= ok;
          if (!ok && shown++ < 5)
            g_test_message ("false positive: “%s” in “%s”", ent->text, text);
        }
      if (is_order)
        {
          gold++;
          found += hit;
          if (!hit && shown++ < 10)
            g_test_message ("missed: “%s” in “%s”", value, text);
        }
    }
  double precision = predicted ? (double) correct / predicted : 0;
  double recall = gold ? (double) found / gold : 0;
  g_test_message ("Bitext order_id: %u gold, %u predicted: precision %.3f, recall %.3f",
                  gold, predicted, precision, recall);
  g_assert_cmpuint (gold, >, 400);
  g_assert_cmpfloat (precision, >=, 0.95);
  g_assert_cmpfloat (recall, >=, 0.95);
}

/* Words come from the tokenizer: hyphenated titles stay whole, curly apostrophes match
 * straight ones, kana are CJK, and the spans index the text as the user wrote it. */
static void
test_tokenized_words (void)
{
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();

  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Tie-dye T-shirt", NULL, 7);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Kid's rain boots", NULL, 8);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "マグカップ", NULL, 9);
  expect (ex, NULL, "Ｈｉ！ do you have the tie-dye T-shirts?", SD_ENTITY_PRODUCT, "tie-dye T-shirts", "tie-dye t-shirt");
  expect (ex, NULL, "any kid’s boots in blue?", SD_ENTITY_PRODUCT, "kid’s boots", NULL);
  expect (ex, NULL, "「マグカップ」はありますか", SD_ENTITY_PRODUCT, "マグカップ", NULL);
  /* "shirt" alone is not the title's head word ("t-shirt" is). */
  expect_none (ex, NULL, "a shirt please", SD_ENTITY_PRODUCT);
}

/* A typo one letter from a catalogue word is still that word ("candel"), but a word of the
 * shop's own lexicon is not: "stock" is not a typo of "stick". */
static void
test_typos_not_shop_words (void)
{
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();

  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Silver rococo candle stick", NULL, 1);
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "White hanging heart t-light holder", NULL, 2);
  expect (ex, NULL, "do you sell a silver candel stick", SD_ENTITY_PRODUCT, "silver candel stick", "silver candle stick");
  expect_none (ex, NULL, "is it in stock", SD_ENTITY_PRODUCT);
  /* a title ending in a word said to the bot: the word alone is not the product */
  sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, "Wood stamp set thank you", NULL, 3);
  expect_none (ex, NULL, "ok thank you", SD_ENTITY_PRODUCT);
  expect_none (ex, NULL, "thanks!", SD_ENTITY_PRODUCT);
  expect (ex, NULL, "is the wood stamp in stock", SD_ENTITY_PRODUCT, "wood stamp", "wood stamp");
  const char *text = "do you have the white hanging heart t-light holder in stock";
  expect (ex, NULL, text, SD_ENTITY_PRODUCT, "white hanging heart t-light holder", "white hanging heart t-light holder");
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, NULL);
  guint n_products = 0;
  for (guint i = 0; i < es->len; i++)
    n_products += ((SdEntity *) es->pdata[i])->kind == SD_ENTITY_PRODUCT;
  g_assert_cmpuint (n_products, ==, 1);
}

/* A shop in a temporary folder, for the tests that load a catalogue from one. */
static SdStore *
temp_store_open (TempShop *ts)
{
  g_autoptr(GError) error = NULL;
  temp_shop_set_up (ts, NULL);
  SdStore *store = sd_store_open (ts->db, &error);
  g_assert_no_error (error);
  return store;
}

static void
temp_store_close (TempShop *ts, SdStore *store)
{
  g_assert_finalize_object (store);
  temp_shop_tear_down (ts, NULL);
}

/* Chinese category names come from the demo shop's setting, a JSON object read with the
 * JSON reader: escapes are decoded, and a damaged setting adds nothing. */
static void
test_category_translations (void)
{
  g_autoptr(GError) error = NULL;
  TempShop ts;
  SdStore *store = temp_store_open (&ts);
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();
  g_autoptr(SdEntityExtractor) damaged = sd_entity_extractor_new ();

  g_assert_true (sd_store_exec (store,
    "INSERT INTO products (id, external_id, title, category, price_cents, stock) VALUES "
    "  (1, 'P1', 'Ceramic mug', 'Kitchen', 1250, 3), (2, 'P2', 'Quote \"print\"', 'Art \"Prints\"', 900, 1);",
    &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_set_setting (store, "categories.zh_CN",
    "{\"Kitchen\": \"\\u53a8\\u623f\\u7528\\u54c1\", \"Art \\\"Prints\\\"\": \"艺术印刷品\"}", &error));
  g_assert_true (sd_entity_extractor_load_catalog (ex, store, &error));
  g_assert_no_error (error);
  expect (ex, NULL, "有厨房用品吗", SD_ENTITY_CATEGORY, "厨房用品", "Kitchen");
  expect (ex, NULL, "看看艺术印刷品", SD_ENTITY_CATEGORY, "艺术印刷品", "Art \"Prints\"");

  g_assert_true (sd_store_set_setting (store, "categories.zh_CN", "{\"Kitchen\": \"厨房用品\"", &error));
  g_assert_true (sd_entity_extractor_load_catalog (damaged, store, &error));
  g_assert_no_error (error);
  expect_none (damaged, NULL, "有厨房用品吗", SD_ENTITY_CATEGORY);
  temp_store_close (&ts, store);
}

/* A word said over and over is not one long product name ("hello hello hello …" in a shop
 * with a HELLO SAILOR title), and the chatbot's catalogue is the shop's goods on sale at a
 * price: not Online Retail's "Discount" or POSTAGE lines, nor a note like "thrown away-can't
 * sell." that never sold at a price. */
static void
test_repeats_and_goods (void)
{
  g_autoptr(GError) error = NULL;
  TempShop ts;
  SdStore *store = temp_store_open (&ts);
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();

  g_assert_true (sd_store_exec (store,
    "INSERT INTO products (id, external_id, title, price_cents, kind, status) VALUES "
    "  (1, '21000', 'HELLO SAILOR BLUE SOFT TOY LARGE', 595, 'merchandise', 'active'),"
    "  (2, 'D', 'Discount', 0, 'adjustment', 'active'),"
    "  (3, 'POST', 'POSTAGE', 1800, 'shipping', 'active'),"
    "  (4, '72759', 'thrown away-can''t sell.', 0, 'merchandise', 'active'),"
    "  (5, '22000', 'RETIRED DISCOUNT TIN', 250, 'merchandise', 'archived'),"
    "  (6, '22001', 'POSTAGE STAMP NOTEBOOK', 165, NULL, 'active'),"
    "  (7, '22002', 'CHRISTMAS GIFT TAG', 85, 'merchandise', 'active');", &error));
  g_assert_no_error (error);
  g_assert_true (sd_entity_extractor_load_catalog (ex, store, &error));
  g_assert_no_error (error);

  g_autoptr(GString) many = g_string_new (NULL);
  for (guint i = 0; i < 400; i++)
    g_string_append (many, "hello sailor ");
  expect (ex, NULL, many->str, SD_ENTITY_PRODUCT, "hello sailor", "hello sailor");
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, many->str, NULL);
  for (guint i = 0; i < es->len; i++)
    g_assert_cmpuint (((SdEntity *) es->pdata[i])->end - ((SdEntity *) es->pdata[i])->start, ==,
                      strlen ("hello sailor"));
  expect (ex, NULL, "does the hello sailor toy squeak", SD_ENTITY_PRODUCT, "hello sailor toy", NULL);
  /* the s of Christmas is no plural: the value an inspector shows is the word */
  expect (ex, NULL, "do you have christmas gift tags?", SD_ENTITY_PRODUCT, "christmas gift tags",
          "christmas gift tag");

  expect_none (ex, NULL, "do you have any discounts", SD_ENTITY_PRODUCT);
  expect_none (ex, NULL, "do you sell it", SD_ENTITY_PRODUCT);
  expect_none (ex, NULL, "a discount tin please", SD_ENTITY_PRODUCT);
  /* the goods stay, a kind not yet given counting as goods */
  expect (ex, NULL, "the postage stamp notebook", SD_ENTITY_PRODUCT, "postage stamp notebook", NULL);
  temp_store_close (&ts, store);
}

/* The product a message names: the ref of its longest product entity. */
static gint64
named_ref (SdEntityExtractor *ex, const char *text)
{
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, NULL);
  const SdEntity *best = NULL;
  for (guint i = 0; i < es->len; i++)
    {
      const SdEntity *e = es->pdata[i];
      if (e->kind == SD_ENTITY_PRODUCT && (best == NULL || e->end - e->start > best->end - best->start))
        best = e;
    }
  return best ? best->ref_id : 0;
}

/* A number or a little word of titles inside a name does not end it (Online Retail's PAPER
 * CHAIN KIT 50'S CHRISTMAS was named as a PAPER CHAIN KIT RETROSPOT and a "s christmas"); the
 * words of a sentence between two names still part them. */
static void
test_names_with_numbers (void)
{
  static const char *const titles[] = {
    "PAPER CHAIN KIT RETROSPOT", "PAPER CHAIN KIT 50'S CHRISTMAS", "JAM MAKING SET PRINTED",
    "JAM MAKING SET WITH JARS", "SAVE THE PLANET MUG", "ROBOT MUG IN DISPLAY BOX", "RETROSPOT LAMP",
  };
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();
  /* products 1, 2, … in the order above */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, titles[i], NULL, i + 1);

  expect (ex, NULL, "paper chain kit 50's christmas price?", SD_ENTITY_PRODUCT,
          "paper chain kit 50's christmas", NULL);
  g_assert_cmpint (named_ref (ex, "paper chain kit 50's christmas price?"), ==, 2);
  g_assert_cmpint (named_ref (ex, "jam making set with jars price"), ==, 4);
  g_assert_cmpint (named_ref (ex, "is the mug in the box?"), !=, 6);
  expect (ex, NULL, "do you have mugs and lamps", SD_ENTITY_PRODUCT, "mugs", "mug");
  expect (ex, NULL, "do you have mugs and lamps", SD_ENTITY_PRODUCT, "lamps", "lamp");
}


/* The products of the first product entity @text names, as "1,3,4" (catalogue order). */
static char *
named_products (SdEntityExtractor *ex, const char *text, gboolean *in_full)
{
  g_autoptr(GPtrArray) es = sd_entity_extractor_extract (ex, text, NULL);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < es->len; i++)
    {
      SdEntity *e = es->pdata[i];
      g_autoptr(GArray) named = NULL;
      if (e->kind != SD_ENTITY_PRODUCT)
        continue;
      named = sd_entity_extractor_products_named (ex, e, in_full);
      for (guint k = 0; k < named->len; k++)
        g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, k ? "," : "", g_array_index (named, gint64, k));
      break;
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
joined (GArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < ids->len; k++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, k ? "," : "", g_array_index (ids, gint64, k));
  return g_string_free (s, FALSE);
}

/* The first product entity of @text fits @ids ("1,3"), given whole or not as @in_full says. */
static void
expect_named (SdEntityExtractor *ex, const char *text, const char *ids, gboolean in_full)
{
  gboolean full = !in_full;
  g_autofree char *named = named_products (ex, text, &full);

  g_assert_cmpstr (named, ==, ids);
  g_assert_cmpint (full, ==, in_full);
}

static char *
narrowed (SdEntityExtractor *ex, GArray *ids, const char *text)
{
  g_autoptr(GArray) kept = sd_entity_extractor_narrow (ex, ids, text);

  return joined (kept);
}

/* A head word many titles share names each of them; a title given whole is said to be; an
 * answer to "which one?" narrows them by the words of their names; a name the catalogue does
 * not have finds the names like it, in English and Chinese. */
static void
test_products_named (void)
{
  static const char *const titles[][2] = {
    { "WHITE LOVEBIRD LANTERN", "白色爱情鸟提灯" }, { "HANGING METAL HEART LANTERN", "悬挂金属爱心提灯" },
    { "WHITE MOROCCAN METAL LANTERN", "白色摩洛哥金属提灯" }, { "RETROSPOT LAMP", "波点台灯" },
    { "Vintage ceramic mug", "复古陶瓷马克杯" }, { "Heart-Print Sand Ceramic Mug", "爱心印花沙色陶瓷马克杯" },
  };
  g_autoptr(SdEntityExtractor) ex = sd_entity_extractor_new ();

  /* products 1, 2, … in the order above */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, titles[i][0], NULL, i + 1);
      sd_entity_extractor_add_term (ex, SD_ENTITY_PRODUCT, titles[i][1], NULL, i + 1);
    }

  expect_named (ex, "what colours does the lantern come in", "1,2,3", FALSE);
  expect_named (ex, "how much is the white lovebird lantern?", "1", TRUE);
  expect_named (ex, "is the metal lantern in stock", "2,3", FALSE);
  expect_named (ex, "提灯多少钱", "1,2,3", FALSE);

  {
    g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
    for (gint64 id = 1; id <= 3; id++)
      g_array_append_val (all, id);
    g_autofree char *white = narrowed (ex, all, "the white one");
    g_autofree char *morocan = narrowed (ex, all, "the white morocan one please");
    g_autofree char *heart = narrowed (ex, all, "爱心的那个");
    g_assert_cmpstr (white, ==, "1,3");
    g_assert_cmpstr (morocan, ==, "3");   /* a typo mended */
    g_assert_cmpstr (heart, ==, "2");
    g_autoptr(GArray) mugs = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_array_append_vals (mugs, (gint64[]) { 5, 6 }, 2);
    g_autofree char *hearts = narrowed (ex, mugs, "the one with hearts");
    g_assert_cmpstr (hearts, ==, "6");   /* a part of Heart-Print */
    g_autoptr(GArray) none = sd_entity_extractor_narrow (ex, all, "where is my order?");
    g_assert_cmpuint (none->len, ==, 0);
  }

  {
    g_autoptr(GArray) shade = sd_entity_extractor_products_like (ex, "lampshade");
    g_autofree char *shade_ids = joined (shade);
    g_assert_cmpstr (shade_ids, ==, "4");
    g_autoptr(GArray) cup = sd_entity_extractor_products_like (ex, "杯子");
    g_autofree char *cup_ids = joined (cup);
    g_assert_cmpstr (cup_ids, ==, "5,6");
    g_autoptr(GArray) teleporter = sd_entity_extractor_products_like (ex, "teleporter");
    g_assert_cmpuint (teleporter->len, ==, 0);
  }

  g_assert_cmpint (sd_entity_extractor_word_kind (ex, "lanterns"), ==, SD_NAME_WORD_KNOWN);
  g_assert_cmpint (sd_entity_extractor_word_kind (ex, "teleporter"), ==, SD_NAME_WORD_UNKNOWN);
  g_assert_cmpint (sd_entity_extractor_word_kind (ex, "the"), ==, SD_NAME_WORD_LITTLE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/entities/patterns", test_patterns);
  g_test_add_func ("/entities/hostile", test_hostile);
  g_test_add_func ("/entities/tokenized-words", test_tokenized_words);
  g_test_add_func ("/entities/typos-not-shop-words", test_typos_not_shop_words);
  g_test_add_func ("/entities/category-translations", test_category_translations);
  g_test_add_func ("/entities/repeats-and-goods", test_repeats_and_goods);
  g_test_add_func ("/entities/mask-products", test_mask_products);
  g_test_add_func ("/entities/names-with-numbers", test_names_with_numbers);
  g_test_add_func ("/entities/products-named", test_products_named);
  g_test_add_func ("/entities/bitext", test_bitext);
  return g_test_run ();
}
