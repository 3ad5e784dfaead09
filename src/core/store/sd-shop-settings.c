/* sd-shop-settings.c — the shop's own settings as one typed, checked struct */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "sd-error.h"
#include "sd-shop-settings.h"

#define ORDER_FORMATS_KEY   "shop.order_formats"
#define MAX_FORMAT_LEN      24
#define MAX_FORMATS         8
#define LEARN_SAMPLE        20000
#define LEARN_MIN_SHARE     0.02
#define LEARN_MAX_FORMATS   4
#define MAX_TEXT_LEN        4000

static const char *const lang_codes[SD_SHOP_N_LANGS] = { "en", "zh_CN" };

static const char *const policy_keys[SD_SHOP_N_POLICIES] = {
  "policy.returns", "policy.shipping", "support.hours", "policy.warranty",
  "policy.payment", "policy.cancellation", "policy.invoices",
  "policy.account",
};

/* What people call each policy, for the checks' messages. */
static const char *const policy_names[SD_SHOP_N_POLICIES] = {
  N_("Returns"), N_("Shipping"), N_("Opening Hours"), N_("Warranty"), N_("Payment Methods"),
  N_("Cancellation"), N_("Invoices"), N_("Customer Accounts"),
};

static const char *const lang_names[SD_SHOP_N_LANGS] = { N_("English"), N_("Chinese") };

/* The currencies a shop is likely to sell in, by ISO 4217 code, sorted by code. */
static const struct { const char *code; const char *name; } currencies[] = {
  { "AED", N_("UAE Dirham") },          { "ARS", N_("Argentine Peso") },
  { "AUD", N_("Australian Dollar") },   { "BGN", N_("Bulgarian Lev") },
  { "BRL", N_("Brazilian Real") },      { "CAD", N_("Canadian Dollar") },
  { "CHF", N_("Swiss Franc") },         { "CLP", N_("Chilean Peso") },
  { "CNY", N_("Chinese Yuan") },        { "COP", N_("Colombian Peso") },
  { "CZK", N_("Czech Koruna") },        { "DKK", N_("Danish Krone") },
  { "EGP", N_("Egyptian Pound") },      { "EUR", N_("Euro") },
  { "GBP", N_("Pound Sterling") },      { "HKD", N_("Hong Kong Dollar") },
  { "HUF", N_("Hungarian Forint") },    { "IDR", N_("Indonesian Rupiah") },
  { "ILS", N_("Israeli New Shekel") },  { "INR", N_("Indian Rupee") },
  { "ISK", N_("Icelandic Króna") },     { "JPY", N_("Japanese Yen") },
  { "KRW", N_("South Korean Won") },    { "MXN", N_("Mexican Peso") },
  { "MYR", N_("Malaysian Ringgit") },   { "NGN", N_("Nigerian Naira") },
  { "NOK", N_("Norwegian Krone") },     { "NZD", N_("New Zealand Dollar") },
  { "PHP", N_("Philippine Peso") },     { "PLN", N_("Polish Złoty") },
  { "RON", N_("Romanian Leu") },        { "SAR", N_("Saudi Riyal") },
  { "SEK", N_("Swedish Krona") },       { "SGD", N_("Singapore Dollar") },
  { "THB", N_("Thai Baht") },           { "TRY", N_("Turkish Lira") },
  { "TWD", N_("New Taiwan Dollar") },   { "UAH", N_("Ukrainian Hryvnia") },
  { "USD", N_("US Dollar") },           { "VND", N_("Vietnamese Đồng") },
  { "ZAR", N_("South African Rand") },
};

const char *
sd_shop_lang_code (SdShopLang lang)
{
  g_return_val_if_fail (lang < SD_SHOP_N_LANGS, NULL);
  return lang_codes[lang];
}

const char *
sd_shop_policy_key (SdShopPolicy policy)
{
  g_return_val_if_fail (policy < SD_SHOP_N_POLICIES, NULL);
  return policy_keys[policy];
}

gboolean
sd_currency_is_known (const char *code)
{
  return sd_currency_name (code) != NULL;
}

const char *
sd_currency_name (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (currencies); i++)
    if (strcmp (currencies[i].code, code) == 0)
      return _(currencies[i].name);
  return NULL;
}

const char *const *
sd_currency_codes (void)
{
  static const char *codes[G_N_ELEMENTS (currencies) + 1];

  if (codes[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
      codes[i] = currencies[i].code;
  return codes;
}

/* ---- Order-number formats ----------------------------------------------------------- */

char *
sd_order_format_of (const char *number)
{
  GString *shape;
  gboolean digit = FALSE;

  if (number == NULL || *number == '\0' || strlen (number) > MAX_FORMAT_LEN)
    return NULL;
  shape = g_string_new (NULL);
  for (const char *p = number; *p; p++)
    {
      if ((guchar) *p <= ' ' || *p == ',' || (guchar) *p >= 0x80)
        {
          g_string_free (shape, TRUE);
          return NULL;
        }
      digit |= g_ascii_isdigit (*p);
      g_string_append_c (shape, g_ascii_isdigit (*p) ? '#' : g_ascii_toupper (*p));
    }
  if (!digit)
    {
      g_string_free (shape, TRUE);
      return NULL;
    }
  return g_string_free (shape, FALSE);
}

gboolean
sd_order_format_matches (const char *format,
                         const char *text)
{
  const char *f = format, *t = text;

  if (format == NULL || text == NULL)
    return FALSE;
  for (; *f && *t; f++, t++)
    if (*f == '#' ? !g_ascii_isdigit (*t) : g_ascii_toupper (*f) != g_ascii_toupper (*t))
      return FALSE;
  return *f == '\0' && *t == '\0';
}

char *
sd_order_format_example (const char *format)
{
  GString *example = g_string_new (NULL);
  guint digit = 0;

  for (const char *p = format; p && *p; p++)
    g_string_append_c (example, *p == '#' ? "1234567890"[digit++ % 10] : *p);
  return g_string_free (example, FALSE);
}

char *
sd_order_format_describe (const char *format,
                          const char *example)
{
  g_autofree char *own = example ? NULL : sd_order_format_example (format);
  gsize len = strlen (format);
  gsize first = strcspn (format, "#");
  gsize last = len;
  guint digits = 0;

  while (last > 0 && format[last - 1] != '#')
    last--;
  for (gsize i = 0; i < len; i++)
    digits += format[i] == '#';
  if (example == NULL)
    example = own;

  /* One run of digits, with letters before or after it: the usual shapes. */
  if (digits == last - first)
    {
      g_autofree char *prefix = g_strndup (format, first);
      const char *suffix = format + last;

      if (*prefix == '\0' && *suffix == '\0')
        /* TRANSLATORS: an order number's shape: "6 digits, e.g. 581433" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u digit, e.g. %s", "%u digits, e.g. %s", digits),
                                digits, example);
      if (*suffix == '\0')
        /* TRANSLATORS: an order number's shape: "“SD-” and 6 digits, e.g. SD-123456" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "“%s” and %u digit, e.g. %s",
                                             "“%s” and %u digits, e.g. %s", digits),
                                prefix, digits, example);
    }
  /* TRANSLATORS: an order number's shape as a pattern, # for a digit: "SD-##-## (# a digit), e.g. SD-12-34" */
  return g_strdup_printf (_("%s (# a digit), e.g. %s"), format, example);
}

typedef struct {
  char  *format;
  guint  count;
} Shape;

static int
compare_shapes (gconstpointer a,
                gconstpointer b)
{
  const Shape *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->format, y->format);
}

GStrv
sd_order_formats_learn (SdStore  *store,
                        GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT external_id FROM orders ORDER BY id DESC LIMIT ?1", error);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) shapes = g_array_new (FALSE, FALSE, sizeof (Shape));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key, value;
  guint total = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, LEARN_SAMPLE);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *format = sd_order_format_of ((const char *) sqlite3_column_text (stmt, 0));

      total++;
      if (format == NULL)
        continue;
      value = g_hash_table_lookup (counts, format);
      g_hash_table_replace (counts, format, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the order numbers"), error);
      return NULL;
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Shape shape = { key, GPOINTER_TO_UINT (value) };
      g_array_append_val (shapes, shape);
    }
  g_array_sort (shapes, compare_shapes);
  for (guint i = 0; i < shapes->len && i < LEARN_MAX_FORMATS; i++)
    {
      const Shape *shape = &g_array_index (shapes, Shape, i);
      if (shape->count < total * LEARN_MIN_SHARE)
        break;
      g_strv_builder_add (builder, shape->format);
    }
  return g_strv_builder_end (builder);
}

char *
sd_order_format_newest (SdStore    *store,
                        const char *format)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT external_id FROM orders ORDER BY id DESC LIMIT ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, LEARN_SAMPLE);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *number = (const char *) sqlite3_column_text (stmt, 0);
      if (sd_order_format_matches (format, number))
        return g_strdup (number);
    }
  return NULL;
}

static GStrv
split_formats (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value ? value : "", ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

GStrv
sd_shop_order_formats (SdStore  *store,
                       gboolean *learned)
{
  g_autofree char *value = sd_store_get_setting (store, ORDER_FORMATS_KEY);
  GStrv formats = split_formats (value);

  if (learned)
    *learned = formats[0] == NULL;
  if (formats[0] == NULL)
    {
      GStrv found = sd_order_formats_learn (store, NULL);
      if (found)
        {
          g_strfreev (formats);
          formats = found;
        }
    }
  return formats;
}

/* ---- The struct ----------------------------------------------------------------------- */

SdShippingRegion *
sd_shipping_region_new (const char *id)
{
  SdShippingRegion *region = g_new0 (SdShippingRegion, 1);

  region->id = g_strdup (id);
  region->cost_cents = -1;
  region->free_over_cents = -1;
  return region;
}

void
sd_shipping_region_free (SdShippingRegion *region)
{
  if (region == NULL)
    return;
  g_free (region->id);
  for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
    g_free (region->name[l]);
  g_free (region->days);
  g_free (region);
}

SdShopSettings *
sd_shop_settings_new (void)
{
  SdShopSettings *settings = g_new0 (SdShopSettings, 1);

  settings->order_formats = g_new0 (char *, 1);
  settings->order_formats_learned = TRUE;
  settings->returns_days = -1;
  settings->regions = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_shipping_region_free);
  return settings;
}

void
sd_shop_settings_free (SdShopSettings *settings)
{
  if (settings == NULL)
    return;
  for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
    {
      g_free (settings->name[l]);
      for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
        g_free (settings->policy[p][l]);
    }
  g_free (settings->currency);
  g_free (settings->timezone);
  g_strfreev (settings->order_formats);
  g_ptr_array_unref (settings->regions);
  g_free (settings);
}

/* A setting, or NULL when it is absent or empty (both mean "not set"). */
static char *
get (SdStore    *store,
     const char *key)
{
  char *value = sd_store_get_setting (store, key);

  if (value && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static char *
getf (SdStore    *store,
      const char *format,
      const char *a,
      const char *b)
{
  g_autofree char *key = g_strdup_printf (format, a, b);
  return get (store, key);
}

static gint64
get_number (SdStore    *store,
            const char *key,
            gint64      unset)
{
  g_autofree char *value = get (store, key);
  gint64 number;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &number, NULL))
    return unset;
  return number;
}

SdShopSettings *
sd_shop_settings_load (SdStore  *store)
{
  g_autoptr(SdShopSettings) settings = sd_shop_settings_new ();
  g_autofree char *regions = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
    {
      settings->name[l] = getf (store, "shop.name.%s", lang_codes[l], NULL);
      for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
        settings->policy[p][l] = getf (store, "%s.%s", policy_keys[p], lang_codes[l]);
    }
  settings->currency = get (store, "shop.currency");
  settings->timezone = get (store, "shop.timezone");
  settings->returns_days = (int) get_number (store, "policy.returns.days", -1);

  g_strfreev (settings->order_formats);
  settings->order_formats = sd_shop_order_formats (store, &settings->order_formats_learned);

  regions = get (store, "shipping.regions");
  if (regions)
    {
      g_auto(GStrv) ids = g_strsplit (regions, ",", -1);
      for (guint i = 0; ids[i]; i++)
        {
          SdShippingRegion *region;
          g_autofree char *cost = NULL, *free_over = NULL;

          g_strstrip (ids[i]);
          if (*ids[i] == '\0')
            continue;
          region = sd_shipping_region_new (ids[i]);
          for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
            region->name[l] = getf (store, "shipping.%s.name.%s", ids[i], lang_codes[l]);
          region->days = getf (store, "shipping.%s.days", ids[i], NULL);
          cost = g_strdup_printf ("shipping.%s.cost_cents", ids[i]);
          free_over = g_strdup_printf ("shipping.%s.free_over_cents", ids[i]);
          region->cost_cents = get_number (store, cost, -1);
          region->free_over_cents = get_number (store, free_over, -1);
          g_ptr_array_add (settings->regions, region);
        }
    }
  return g_steal_pointer (&settings);
}

/* ---- Checks --------------------------------------------------------------------------- */

static gboolean
invalid (GError    **error,
         const char *field,
         const char *reason)
{
  /* TRANSLATORS: a shop setting that cannot be saved: the field, then why */
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("%s: %s"), field, reason);
  return FALSE;
}

static gboolean
check_text (const char  *text,
            const char  *field,
            GError     **error)
{
  if (text && !g_utf8_validate (text, -1, NULL))
    return invalid (error, field, _("the text is not valid UTF-8"));
  if (text && g_utf8_strlen (text, -1) > MAX_TEXT_LEN)
    return invalid (error, field, _("longer than 4,000 characters"));
  return TRUE;
}

/* "3", "1-2", "3–5" (an en dash too): what shipping.R.days holds. */
static gboolean
is_days_range (const char *days)
{
  const char *p = days;
  guint64 lo, hi = 0;
  char *end;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  lo = g_ascii_strtoull (p, &end, 10);
  p = end;
  if (*p == '\0')
    return lo <= 365;
  if (*p == '-')
    p++;
  else if (g_str_has_prefix (p, "–"))
    p += strlen ("–");
  else
    return FALSE;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  hi = g_ascii_strtoull (p, &end, 10);
  return *end == '\0' && lo <= hi && hi <= 365;
}

gboolean
sd_shop_settings_validate (const SdShopSettings  *settings,
                           GError               **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
    {
      if (!check_text (settings->name[l], _("Shop name"), error))
        return FALSE;
      for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
        {
          /* TRANSLATORS: a policy and its language, naming a field: "Returns (Chinese)" */
          g_autofree char *field = g_strdup_printf (_("%s (%s)"), _(policy_names[p]), _(lang_names[l]));
          if (!check_text (settings->policy[p][l], field, error))
            return FALSE;
        }
    }

  if (settings->currency && *settings->currency && !sd_currency_is_known (settings->currency))
    {
      g_autofree char *reason = g_strdup_printf (_("“%s” is not an ISO 4217 currency code Shopdesk knows (e.g. GBP, EUR, USD)"),
                                                 settings->currency);
      return invalid (error, _("Currency"), reason);
    }

  if (settings->timezone && *settings->timezone)
    {
      GTimeZone *zone = g_time_zone_new_identifier (settings->timezone);
      if (zone == NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("“%s” is not a time zone (e.g. Europe/London)"),
                                                     settings->timezone);
          return invalid (error, _("Time zone"), reason);
        }
      g_time_zone_unref (zone);
    }

  if (!settings->order_formats_learned)
    {
      guint n = settings->order_formats ? g_strv_length (settings->order_formats) : 0;

      if (n == 0)
        return invalid (error, _("Order numbers"), _("give at least one format, # for each digit (e.g. ######)"));
      if (n > MAX_FORMATS)
        return invalid (error, _("Order numbers"), _("at most eight formats"));
      for (guint i = 0; i < n; i++)
        {
          const char *f = settings->order_formats[i];
          g_autofree char *reason = NULL;

          if (strchr (f, '#') == NULL)
            reason = g_strdup_printf (_("“%s” has no # for a digit"), f);
          else if (strlen (f) > MAX_FORMAT_LEN)
            reason = g_strdup_printf (_("“%s” is longer than 24 characters"), f);
          else
            for (const char *p = f; *p && reason == NULL; p++)
              if ((guchar) *p <= ' ' || *p == ',' || (guchar) *p >= 0x80)
                reason = g_strdup_printf (_("“%s” may hold only letters, digits, # and signs, no spaces or commas"), f);
          if (reason)
            return invalid (error, _("Order numbers"), reason);
        }
    }

  if (settings->returns_days < -1 || settings->returns_days > 3650)
    return invalid (error, _("Return period"), _("between 0 and 3,650 days"));

  for (guint i = 0; i < settings->regions->len; i++)
    {
      const SdShippingRegion *region = settings->regions->pdata[i];
      g_autofree char *field = g_strdup_printf (_("Shipping region “%s”"), region->id ? region->id : "");

      if (region->id == NULL || *region->id == '\0')
        return invalid (error, field, _("it needs an id"));
      for (const char *p = region->id; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
          return invalid (error, field, _("its id may hold only letters, digits, “-” and “_”"));
      if (!g_hash_table_add (ids, region->id))
        return invalid (error, field, _("two regions have this id"));
      for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
        if (!check_text (region->name[l], field, error))
          return FALSE;
      if (region->days && *region->days && !is_days_range (region->days))
        return invalid (error, field, _("delivery days are a number or a range such as 1-2"));
      if (region->cost_cents < -1 || region->free_over_cents < -1)
        return invalid (error, field, _("an amount cannot be negative"));
    }
  return TRUE;
}

/* ---- Saving --------------------------------------------------------------------------- */

static gboolean
put (SdStore     *store,
     const char  *key,
     const char  *value,
     GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  if (value && *value)
    return sd_store_set_setting (store, key, value, error);
  /* Unset, not empty: "not set" is what makes the chatbot offer a person. */
  if (!(stmt = sd_store_prepare (store, "DELETE FROM settings WHERE key = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not save a setting"), error);
  return TRUE;
}

static gboolean
putf (SdStore     *store,
      const char  *format,
      const char  *a,
      const char  *b,
      const char  *value,
      GError     **error)
{
  g_autofree char *key = g_strdup_printf (format, a, b);
  return put (store, key, value, error);
}

static gboolean
put_number (SdStore     *store,
            const char  *format,
            const char  *a,
            gint64       number,
            GError     **error)
{
  g_autofree char *text = number >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, number) : NULL;
  return putf (store, format, a, NULL, text, error);
}

/* Regions no longer listed lose their keys, so a region removed and added again later
 * does not come back with old prices. */
static gboolean
remove_region_keys (SdStore     *store,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "DELETE FROM settings WHERE substr (key, 1, length (?1)) = ?1", error);
  g_autofree char *prefix = g_strdup_printf ("shipping.%s.", id);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not save a setting"), error);
  return TRUE;
}

static gboolean
save_all (SdStore               *store,
          const SdShopSettings  *settings,
          GError               **error)
{
  g_autofree char *old_regions = get (store, "shipping.regions");
  g_auto(GStrv) old_ids = g_strsplit (old_regions ? old_regions : "", ",", -1);
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *formats = NULL;
  g_autofree char *days = NULL;

  for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
    {
      if (!putf (store, "shop.name.%s", lang_codes[l], NULL, settings->name[l], error))
        return FALSE;
      for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
        if (!putf (store, "%s.%s", policy_keys[p], lang_codes[l], settings->policy[p][l], error))
          return FALSE;
    }
  if (!put (store, "shop.currency", settings->currency, error) ||
      !put (store, "shop.timezone", settings->timezone, error))
    return FALSE;

  if (!settings->order_formats_learned)
    formats = g_strjoinv (",", settings->order_formats);
  if (!put (store, ORDER_FORMATS_KEY, formats, error))
    return FALSE;

  if (settings->returns_days >= 0)
    days = g_strdup_printf ("%d", settings->returns_days);
  if (!put (store, "policy.returns.days", days, error))
    return FALSE;

  for (guint i = 0; old_ids[i]; i++)
    {
      gboolean kept = FALSE;

      g_strstrip (old_ids[i]);
      for (guint j = 0; j < settings->regions->len && !kept; j++)
        kept = g_strcmp0 (((SdShippingRegion *) settings->regions->pdata[j])->id, old_ids[i]) == 0;
      if (*old_ids[i] && !kept && !remove_region_keys (store, old_ids[i], error))
        return FALSE;
    }
  for (guint i = 0; i < settings->regions->len; i++)
    {
      const SdShippingRegion *region = settings->regions->pdata[i];

      if (ids->len)
        g_string_append_c (ids, ',');
      g_string_append (ids, region->id);
      for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
        if (!putf (store, "shipping.%s.name.%s", region->id, lang_codes[l], region->name[l], error))
          return FALSE;
      if (!putf (store, "shipping.%s.days", region->id, NULL, region->days, error) ||
          !put_number (store, "shipping.%s.cost_cents", region->id, region->cost_cents, error) ||
          !put_number (store, "shipping.%s.free_over_cents", region->id, region->free_over_cents, error))
        return FALSE;
    }
  return put (store, "shipping.regions", ids->str, error);
}

gboolean
sd_shop_settings_save (SdStore               *store,
                       const SdShopSettings  *settings,
                       GError               **error)
{
  g_return_val_if_fail (SD_IS_STORE (store), FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!sd_shop_settings_validate (settings, error))
    return FALSE;
  if (!sd_store_begin (store, error))
    return FALSE;
  if (!save_all (store, settings, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }
  return sd_store_commit (store, error);
}
