/* test-shop-settings.c — the shop's own settings: order formats learned, checks, save and load */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-error.h"
#include "sd-import.h"
#include "sd-shop-settings.h"
#include "sd-store.h"
#include "temp-folder.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-shop-settings-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  temp_folder_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
add_orders (Fixture *f, const char *format, guint first, guint n)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (f->store,
      "INSERT INTO orders (external_id, placed_at, status, total_cents) VALUES (?1, 1700000000, 'paid', 100)", NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf (format, first + i);
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    }
}

static void
test_format_shapes (void)
{
  g_autofree char *six = sd_order_format_of ("581433");
  g_autofree char *sd = sd_order_format_of ("sd-100234");
  g_autofree char *d1 = sd_order_format_describe ("######", "581433");
  g_autofree char *d2 = sd_order_format_describe ("SD-######", NULL);
  g_autofree char *d3 = sd_order_format_describe ("##/##-X", NULL);
  g_autofree char *ex = sd_order_format_example ("SD-######");

  g_assert_cmpstr (six, ==, "######");
  g_assert_cmpstr (sd, ==, "SD-######");
  g_assert_null (sd_order_format_of ("ABC"));            /* no digit */
  g_assert_null (sd_order_format_of ("12 34"));          /* a space */
  g_assert_null (sd_order_format_of ("1234567890123456789012345"));
  g_assert_cmpstr (ex, ==, "SD-123456");

  g_assert_true (sd_order_format_matches ("######", "581433"));
  g_assert_false (sd_order_format_matches ("######", "58143"));
  g_assert_false (sd_order_format_matches ("######", "5814333"));
  g_assert_false (sd_order_format_matches ("######", "C58143"));
  g_assert_true (sd_order_format_matches ("C######", "c536379"));
  g_assert_true (sd_order_format_matches ("SD-######", "SD-100001"));
  g_assert_false (sd_order_format_matches ("SD-######", "SD100001"));

  if (g_str_has_prefix (g_getenv ("LC_ALL") ? g_getenv ("LC_ALL") : "", "de"))
    return;   /* the descriptions are checked in English only */
  g_assert_cmpstr (d1, ==, "6 digits, e.g. 581433");
  g_assert_cmpstr (d2, ==, "“SD-” and 6 digits, e.g. SD-123456");
  g_assert_cmpstr (d3, ==, "##/##-X (# a digit), e.g. 12/34-X");
}

/* The shapes used by at least 2% of the orders, most used first; a stray shape is not one. */
static void
test_learn (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) none = sd_order_formats_learn (f->store, &error);
  g_auto(GStrv) learned = NULL;
  g_auto(GStrv) shop = NULL;
  gboolean was_learned = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  add_orders (f, "%u", 536365, 80);
  add_orders (f, "C%u", 536379, 18);
  add_orders (f, "A%u", 563185, 1);
  learned = sd_order_formats_learn (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (learned), ==, 2);
  g_assert_cmpstr (learned[0], ==, "######");
  g_assert_cmpstr (learned[1], ==, "C######");

  shop = sd_shop_order_formats (f->store, &was_learned);
  g_assert_true (was_learned);
  g_assert_cmpstr (shop[0], ==, "######");
  {
    g_autofree char *newest = sd_order_format_newest (f->store, "######");
    g_autofree char *cancelled = sd_order_format_newest (f->store, "C######");
    g_autofree char *none = sd_order_format_newest (f->store, "SD-######");
    g_assert_cmpstr (newest, ==, "536444");
    g_assert_cmpstr (cancelled, ==, "C536396");
    g_assert_null (none);
  }

  /* set by the shop: those, not the learned ones */
  g_assert_true (sd_store_set_setting (f->store, "shop.order_formats", "INV-####, ######", NULL));
  g_clear_pointer (&shop, g_strfreev);
  shop = sd_shop_order_formats (f->store, &was_learned);
  g_assert_false (was_learned);
  g_assert_cmpuint (g_strv_length (shop), ==, 2);
  g_assert_cmpstr (shop[0], ==, "INV-####");
  g_assert_cmpstr (shop[1], ==, "######");
}

/* Online Retail's own file: invoices of six digits, cancellations C and six digits. */
static void
test_learn_online_retail (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), "online-retail.csv", NULL);
  SdImportOptions options = { SD_IMPORT_ONLINE_RETAIL, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = sd_import_file (f->store, path, &options, NULL, NULL, NULL, &error);
  g_autoptr(SdShopSettings) settings = NULL;

  g_assert_no_error (error);
  settings = sd_shop_settings_load (f->store);
  g_assert_true (settings->order_formats_learned);
  g_assert_cmpuint (g_strv_length (settings->order_formats), ==, 2);
  g_assert_cmpstr (settings->order_formats[0], ==, "######");
  g_assert_cmpstr (settings->order_formats[1], ==, "C######");
  g_assert_cmpstr (settings->currency, ==, "GBP");
}

static SdShopSettings *
filled_settings (void)
{
  SdShopSettings *s = sd_shop_settings_new ();
  SdShippingRegion *uk = sd_shipping_region_new ("uk");

  s->name[SD_SHOP_LANG_EN] = g_strdup ("Hearth & Home");
  s->name[SD_SHOP_LANG_ZH_CN] = g_strdup ("炉边家居");
  s->currency = g_strdup ("EUR");
  s->timezone = g_strdup ("Europe/Berlin");
  s->order_formats_learned = FALSE;
  g_strfreev (s->order_formats);
  s->order_formats = g_strsplit ("INV-######,######", ",", -1);
  s->policy[SD_SHOP_POLICY_RETURNS][SD_SHOP_LANG_EN] = g_strdup ("Return within 14 days.");
  s->policy[SD_SHOP_POLICY_HOURS][SD_SHOP_LANG_ZH_CN] = g_strdup ("周一至周五 9:00–17:00");
  s->returns_days = 14;
  uk->name[SD_SHOP_LANG_EN] = g_strdup ("United Kingdom");
  uk->days = g_strdup ("1-2");
  uk->cost_cents = 395;
  g_ptr_array_add (s->regions, uk);
  return s;
}

static void
test_save_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSettings) s = filled_settings ();
  g_autoptr(SdShopSettings) back = NULL;
  g_autoptr(SdShopSettings) again = NULL;
  g_autofree char *express = NULL;
  g_autofree char *old_region = NULL;
  g_autofree char *returns_zh = NULL;
  const SdShippingRegion *uk;

  /* What the window does not show stays: an express price of a region kept. */
  g_assert_true (sd_store_set_setting (f->store, "shipping.uk.express_cost_cents", "995", NULL));
  g_assert_true (sd_store_set_setting (f->store, "shipping.us.days", "5-9", NULL));
  g_assert_true (sd_store_set_setting (f->store, "shipping.regions", "uk,us", NULL));
  g_assert_true (sd_store_set_setting (f->store, "policy.returns.zh_CN", "七天无理由退货", NULL));

  g_assert_true (sd_shop_settings_save (f->store, s, &error));
  g_assert_no_error (error);
  back = sd_shop_settings_load (f->store);
  g_assert_cmpstr (back->name[SD_SHOP_LANG_EN], ==, "Hearth & Home");
  g_assert_cmpstr (back->name[SD_SHOP_LANG_ZH_CN], ==, "炉边家居");
  g_assert_cmpstr (back->currency, ==, "EUR");
  g_assert_cmpstr (back->timezone, ==, "Europe/Berlin");
  g_assert_false (back->order_formats_learned);
  g_assert_cmpstr (back->order_formats[0], ==, "INV-######");
  g_assert_cmpstr (back->order_formats[1], ==, "######");
  g_assert_cmpstr (back->policy[SD_SHOP_POLICY_RETURNS][SD_SHOP_LANG_EN], ==, "Return within 14 days.");
  g_assert_cmpstr (back->policy[SD_SHOP_POLICY_HOURS][SD_SHOP_LANG_ZH_CN], ==, "周一至周五 9:00–17:00");
  g_assert_null (back->policy[SD_SHOP_POLICY_WARRANTY][SD_SHOP_LANG_EN]);
  g_assert_cmpint (back->returns_days, ==, 14);
  g_assert_cmpuint (back->regions->len, ==, 1);
  uk = back->regions->pdata[0];
  g_assert_cmpstr (uk->id, ==, "uk");
  g_assert_cmpstr (uk->days, ==, "1-2");
  g_assert_cmpint (uk->cost_cents, ==, 395);
  g_assert_cmpint (uk->free_over_cents, ==, -1);

  /* the keys the chatbot reads */
  express = sd_store_get_setting (f->store, "shipping.uk.express_cost_cents");
  g_assert_cmpstr (express, ==, "995");
  old_region = sd_store_get_setting (f->store, "shipping.us.days");
  g_assert_null (old_region);
  /* a policy emptied is unset, not an empty text */
  returns_zh = sd_store_get_setting (f->store, "policy.returns.zh_CN");
  g_assert_null (returns_zh);

  /* back to learned: the setting goes, the learned formats come back */
  back->order_formats_learned = TRUE;
  g_assert_true (sd_shop_settings_save (f->store, back, &error));
  again = sd_shop_settings_load (f->store);
  g_assert_true (again->order_formats_learned);
  g_assert_cmpuint (g_strv_length (again->order_formats), ==, 0);
}

/* Every bad value is refused with the field and the reason, and nothing is written. */
static void
test_validation (Fixture *f, gconstpointer data)
{
  static const struct { const char *what; const char *needle; } cases[] = {
    { "currency", "GPB" },
    { "timezone", "Mars/Olympus" },
    { "format-no-digit", "ABC" },
    { "format-space", "AB #" },
    { "returns-days", NULL },
    { "region-days", "uk" },
    { "region-dup", "uk" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdShopSettings) s = filled_settings ();
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;

      if (g_str_equal (cases[i].what, "currency"))
        g_free (s->currency), s->currency = g_strdup ("GPB");
      else if (g_str_equal (cases[i].what, "timezone"))
        g_free (s->timezone), s->timezone = g_strdup ("Mars/Olympus");
      else if (g_str_equal (cases[i].what, "format-no-digit"))
        g_free (s->order_formats[1]), s->order_formats[1] = g_strdup ("ABC");
      else if (g_str_equal (cases[i].what, "format-space"))
        g_free (s->order_formats[1]), s->order_formats[1] = g_strdup ("AB #");
      else if (g_str_equal (cases[i].what, "returns-days"))
        s->returns_days = 5000;
      else if (g_str_equal (cases[i].what, "region-days"))
        {
          SdShippingRegion *uk = s->regions->pdata[0];
          g_free (uk->days), uk->days = g_strdup ("soon");
        }
      else
        g_ptr_array_add (s->regions, sd_shipping_region_new ("uk"));

      g_assert_false (sd_shop_settings_save (f->store, s, &error));
      g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
      g_test_message ("%s: %s", cases[i].what, error->message);
      if (cases[i].needle)
        g_assert_nonnull (strstr (error->message, cases[i].needle));
      name = sd_store_get_setting (f->store, "shop.name.en");
      g_assert_null (name);
    }

  /* Known codes pass, and a shop without a currency is fine. */
  g_assert_true (sd_currency_is_known ("GBP"));
  g_assert_false (sd_currency_is_known ("gbp"));
  g_assert_nonnull (sd_currency_name ("CNY"));
  for (const char *const *c = sd_currency_codes (); c[1]; c++)
    g_assert_cmpint (strcmp (c[0], c[1]), <, 0);
  {
    g_autoptr(SdShopSettings) s = filled_settings ();
    g_autoptr(GError) error = NULL;
    g_clear_pointer (&s->currency, g_free);
    g_assert_true (sd_shop_settings_validate (s, &error));
    g_assert_no_error (error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shop-settings/format-shapes", test_format_shapes);
#define ADD(name, fn) g_test_add ("/shop-settings/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("learn", test_learn);
  ADD ("learn-online-retail", test_learn_online_retail);
  ADD ("save-load", test_save_load);
  ADD ("validation", test_validation);
  return g_test_run ();
}
