/* test-format.c — numbers, money, dates and ratings as the pages show them */
#include "config.h"

#include <locale.h>
#include <pango/pangocairo.h>
#include <stdlib.h>

#include "sd-chart-scale.h"
#include "sd-format.h"

#include <glib/gi18n.h>
#include "zh-catalogue.h"

static void
check (char       *got,
       const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_count (void)
{
  check (sd_format_count (0), "0");
  check (sd_format_count (999), "999");
  check (sd_format_count (1000), "1,000");
  check (sd_format_count (541909), "541,909");
  check (sd_format_count (-1234567), "-1,234,567");
  check (sd_format_count (G_MININT64), "-9,223,372,036,854,775,808");
}

/* Shares as the Customers page lists a cluster's countries: one customer in 400 is there. */
static void
test_share (void)
{
  check (sd_format_share (0.37), "37\u00a0%");
  check (sd_format_share (1.0), "100\u00a0%");
  check (sd_format_share (0.0), "0\u00a0%");
  check (sd_format_share (1.0 / 400), "<1\u00a0%");
  check (sd_format_share (0.005), "1\u00a0%");
  /* To a tenth, for metrics compared closely (eval's precision, recall, hit rate). */
  check (sd_format_percent (0.0789, 1), "7.9\u00a0%");
  check (sd_format_percent (0.0, 1), "0.0\u00a0%");
  check (sd_format_percent (1.0, 0), "100\u00a0%");
}

static void
test_money (void)
{
  check (sd_format_money (0, NULL), "0.00");
  check (sd_format_money (5, NULL), "0.05");
  check (sd_format_money (123456, NULL), "1,234.56");
  check (sd_format_money (-250, "GBP"), "-£2.50");
  check (sd_format_money (100, "SEK"), "1.00 SEK");
  check (sd_format_money_short (58594200, "INR"), "₹585,942");
  check (sd_format_money (1234, "CAD"), "CA$12.34");
  /* Headline figures: cents only where they matter, millions shortened. */
  check (sd_format_money_short (123456, "USD"), "$1,234.56");
  check (sd_format_money_short (12345678, "EUR"), "€123,457");
  check (sd_format_money_short (123456789, "EUR"), "€1.23 M");
  check (sd_format_money_short (1333667000, "GBP"), "£13.34 M");
  /* A chart's money ticks: the axis's label with the currency around it. */
  check (sd_format_money_label ("1.5M", "GBP"), "£1.5M");
  check (sd_format_money_label ("-500k", "USD"), "-$500k");
  check (sd_format_money_label ("0", "SEK"), "0 SEK");
  check (sd_format_money_label ("20", NULL), "20");
}

/* Where a layout of @text, @width pixels wide, starts its lines after the first: a
 * comma-separated list of byte offsets. */
static char *
line_starts (const char    *text,
             PangoAttrList *attrs,
             int            width)
{
  g_autoptr(GObject) context = G_OBJECT (pango_font_map_create_context (pango_cairo_font_map_get_default ()));
  g_autoptr(PangoLayout) layout = pango_layout_new (PANGO_CONTEXT (context));
  g_autoptr(GString) starts = g_string_new (NULL);
  GSList *lines;

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_attributes (layout, attrs);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  lines = pango_layout_get_lines_readonly (layout);
  for (GSList *l = lines ? lines->next : NULL; l; l = l->next)
    g_string_append_printf (starts, "%s%d", starts->len ? "," : "", ((PangoLayoutLine *) l->data)->start_index);
  return g_strdup (starts->str);
}

/* A profile's "CUS-0000721 · 英国 · 自 2026年4月21日" wrapped as "英|国" in a narrow card;
 * word joiners kept it whole but were copied along with the text. Now attributes keep each
 * part whole and the text is left as it is. */
static void
test_keep_words (void)
{
  const char *text = "CUS-0000721 · 英国 · 自 2026年4月21日";
  g_autoptr(PangoAttrList) attrs = sd_format_word_attributes (text);
  g_autoptr(PangoAttrList) none = pango_attr_list_new ();
  g_autofree char *kept = NULL, *loose = NULL;
  g_auto(GStrv) starts = NULL;

  /* as narrow as can be: a break wherever one is allowed */
  kept = line_starts (text, attrs, 1);
  loose = line_starts (text, none, 1);
  g_test_message ("line starts: %s kept, %s without", kept, loose);
  starts = g_strsplit (kept, ",", -1);
  g_assert_cmpuint (g_strv_length (starts), >=, 3);
  for (guint i = 0; starts[i]; i++)
    {
      int at = atoi (starts[i]);
      /* no line starts inside a word: a space on one side of every break */
      g_assert_cmpint (at, >, 0);
      g_assert_true (text[at - 1] == ' ' || text[at] == ' ');
    }
  /* and without the attributes it would not (英|国, 2026|年) */
  g_assert_cmpstr (kept, !=, loose);
  g_assert_null (strstr (text, "\u2060"));

  /* one attribute a run of two characters or more between spaces, by byte */
  {
    g_autoptr(PangoAttrList) short_one = sd_format_word_attributes ("a 英国 b");
    GSList *list = pango_attr_list_get_attributes (short_one);
    PangoAttribute *a;

    g_assert_cmpuint (g_slist_length (list), ==, 1);
    a = list->data;
    g_assert_cmpint (a->klass->type, ==, PANGO_ATTR_ALLOW_BREAKS);
    g_assert_cmpuint (a->start_index, ==, 2);
    g_assert_cmpuint (a->end_index, ==, 2 + strlen ("英国"));
    g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);
  }
}

static void
test_time_and_kinds (void)
{
  /* the date as the other pages write it, with the time */
  check (sd_format_time (1291191960), "1 Dec 2010 08:26");
  check (sd_format_time (0), "—");
  g_assert_cmpstr (sd_format_stars (4), ==, "★★★★☆");
  g_assert_cmpstr (sd_format_stars (0), ==, "");
  g_assert_cmpstr (sd_format_stars (6), ==, "");
  for (SdEventKind k = 0; k < SD_N_EVENT_KINDS; k++)
    g_assert_cmpstr (sd_format_event_kind (k), !=, "");
  g_assert_cmpstr (sd_format_order_status ("shipped"), ==, "Shipped");
  g_assert_cmpstr (sd_format_order_status ("on-hold"), ==, "on-hold");   /* unknown: as stored */
  g_assert_cmpstr (sd_format_order_status (NULL), ==, "—");
  g_assert_cmpstr (sd_format_segment ("vip"), ==, "VIP");
  g_assert_cmpstr (sd_format_segment ("at-risk"), ==, "At risk");
  g_assert_cmpstr (sd_format_segment ("Wholesale"), ==, "Wholesale");
  g_assert_null (sd_format_segment (NULL));
}

/* A German user sees 1.234,56 and types 12,50; an English one 1,234.56 and 12.50. */
static void
test_locale (void)
{
  const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", NULL };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  const char *found = NULL;
  double x;

  /* The C locale parses both kinds of grouping and English decimals. */
  g_assert_true (sd_format_parse_decimal ("12.50", &x));
  g_assert_cmpfloat (x, ==, 12.5);
  g_assert_true (sd_format_parse_decimal ("£1,234.50", &x));
  g_assert_cmpfloat (x, ==, 1234.5);
  g_assert_true (sd_format_parse_decimal ("1,000", &x));
  g_assert_cmpfloat (x, ==, 1000);
  g_assert_true (sd_format_parse_decimal ("12,5", &x));
  g_assert_cmpfloat (x, ==, 12.5);
  g_assert_true (sd_format_parse_decimal ("1.234,50 €", &x));
  g_assert_cmpfloat (x, ==, 1234.5);
  g_assert_false (sd_format_parse_decimal ("12 apples", &x));
  g_assert_false (sd_format_parse_decimal ("1.2.3", &x));
  g_assert_false (sd_format_parse_decimal ("", &x));
  check (sd_format_decimal (12.5, 2), "12.50");

  for (guint i = 0; names[i] && !found; i++)
    if (setlocale (LC_ALL, names[i]))
      found = names[i];
  if (found == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale (.ci/deps.sh generates it)");
      return;
    }
  check (sd_format_count (541909), "541.909");
  check (sd_format_money (123456, NULL), "1.234,56");
  check (sd_format_money (-250, "GBP"), "-2,50\u00a0£");
  check (sd_format_money_short (1333667000, "GBP"), "13,34 M\u00a0£");
  check (sd_format_money_label ("1,5M", "EUR"), "1,5M\u00a0€");
  /* Shopdesk has no German: its country names stay as the shop stores them, not Deutschland */
  g_assert_cmpstr (sd_format_country ("Germany"), ==, "Germany");
  g_assert_cmpstr (sd_format_country ("EIRE"), ==, "EIRE");
  check (sd_format_decimal (12.5, 2), "12,50");
  check (sd_format_percent (0.0789, 1), "7,9\u00a0%");
  g_assert_true (sd_format_parse_decimal ("12,50", &x));
  g_assert_cmpfloat (x, ==, 12.5);
  g_assert_true (sd_format_parse_decimal ("1.000", &x));
  g_assert_cmpfloat (x, ==, 1000);
  g_assert_true (sd_format_parse_decimal ("2.5", &x));
  g_assert_cmpfloat (x, ==, 2.5);
  setlocale (LC_ALL, saved);
}

/* Chinese counts large amounts in 万 (ten thousand) and 亿 (10⁸), not in millions:
 * "£979.39万" for Online Retail's revenue, where "£9.79 百万" read as a bank's report; written
 * as the chart axes write them (no space before 万: the Overview's cards once read
 * "£979.26 万" beside ticks of "£150万"). */
static void
test_money_zh_cn (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

  if (!use_build_zh_catalogue ())
    return;
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  check (sd_format_money_short (979393892, "GBP"), "£9.79 M");
  g_assert_cmpstr (sd_format_country ("Germany"), ==, "Germany");
  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  check (sd_format_money_short (979393892, "GBP"), "£979.39万");
  check (sd_format_money_short (-979393892, "GBP"), "-£979.39万");
  check (sd_format_money_short (1333667000000, "CNY"), "¥133.37亿");
  check (sd_format_money_short (300000000000000, "CNY"), "¥3.00万亿");
  /* the same suffix, and no space, as a money axis's tick */
  {
    g_autofree char *tick = sd_chart_format_tick (1.5e6, 5e5);
    g_autofree char *card = sd_format_money_short (150000000, "GBP");
    g_autofree char *axis = sd_format_money_label (tick, "GBP");
    g_assert_cmpstr (card, ==, "£150.00万");
    g_assert_cmpstr (axis, ==, "£150万");
  }
  check (sd_format_money_short (12345678, "EUR"), "€123,457");
  check (sd_format_money_label ("150万", "GBP"), "£150万");
  /* a date and time as the other pages write a date in Chinese */
  check (sd_format_time (1291191960), "2010年12月1日 08:26");
  g_assert_cmpstr (sd_format_order_status ("paid"), ==, "已付款");
  /* Countries as iso-codes names them in Chinese, where it is installed; others as stored */
  if (g_file_test ("/usr/share/locale/zh_CN/LC_MESSAGES/iso_3166-1.mo", G_FILE_TEST_EXISTS))
    {
      g_assert_cmpstr (sd_format_country ("Germany"), ==, "德国");
      /* Online Retail's own spellings of countries iso-codes knows by other names */
      g_assert_cmpstr (sd_format_country ("EIRE"), ==, "爱尔兰");
      g_assert_cmpstr (sd_format_country ("RSA"), ==, "南非");
      g_assert_cmpstr (sd_format_country ("USA"), ==, "美国");
    }
  /* and its places that are not countries, named by Shopdesk */
  g_assert_cmpstr (sd_format_country ("Unspecified"), ==, "未指定");
  g_assert_cmpstr (sd_format_country ("European Community"), ==, "欧洲共同体");
  g_assert_cmpstr (sd_format_country ("Channel Islands"), ==, "海峡群岛");
  /* what no one knows stays as stored */
  g_assert_cmpstr (sd_format_country ("Atlantis"), ==, "Atlantis");
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/count", test_count);
  g_test_add_func ("/format/money", test_money);
  g_test_add_func ("/format/share", test_share);
  g_test_add_func ("/format/keep-words", test_keep_words);
  g_test_add_func ("/format/time-and-kinds", test_time_and_kinds);
  g_test_add_func ("/format/locale", test_locale);
  g_test_add_func ("/format/money-zh-cn", test_money_zh_cn);
  return g_test_run ();
}
