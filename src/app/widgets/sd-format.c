/* sd-format.c — numbers, money, dates and event kinds as people read them */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-format.h"

/* Grouping is done by hand: the C locale (tests, CI) has no thousands separator, and a
 * dashboard full of 541909-style numbers is hard to read. */
static void
append_grouped (GString *out,
                guint64  n)
{
  char digits[32];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
}

char *
sd_format_count (gint64 n)
{
  GString *out = g_string_new (NULL);

  if (n < 0)
    g_string_append_c (out, '-');
  append_grouped (out, n < 0 ? (guint64) -(n + 1) + 1 : (guint64) n);
  return g_string_free (out, FALSE);
}

static const char *
currency_symbol (const char *code)
{
  static const struct { const char *code, *symbol; } symbols[] = {
    { "GBP", "£" }, { "USD", "$" }, { "EUR", "€" }, { "CNY", "¥" }, { "JPY", "¥" },
  };

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_ascii_strcasecmp (code, symbols[i].code) == 0)
      return symbols[i].symbol;
  return NULL;
}

char *
sd_format_money (gint64      cents,
                 const char *currency)
{
  GString *out = g_string_new (NULL);
  const char *symbol = currency_symbol (currency);
  guint64 magnitude = cents < 0 ? (guint64) -(cents + 1) + 1 : (guint64) cents;

  if (cents < 0)
    g_string_append_c (out, '-');
  if (symbol)
    g_string_append (out, symbol);
  append_grouped (out, magnitude / 100);
  g_string_append_printf (out, ".%02u", (guint) (magnitude % 100));
  if (symbol == NULL && currency != NULL && *currency != '\0')
    g_string_append_printf (out, " %s", currency);
  return g_string_free (out, FALSE);
}

char *
sd_format_money_short (gint64      cents,
                       const char *currency)
{
  const char *symbol = currency_symbol (currency);
  guint64 magnitude = cents < 0 ? (guint64) -(cents + 1) + 1 : (guint64) cents;
  GString *out = g_string_new (NULL);

  if (magnitude < 1000000)   /* under 10,000: the cents still matter */
    {
      g_string_free (out, TRUE);
      return sd_format_money (cents, currency);
    }
  if (cents < 0)
    g_string_append_c (out, '-');
  if (symbol)
    g_string_append (out, symbol);
  if (magnitude >= G_GUINT64_CONSTANT (100000000))
    /* TRANSLATORS: an amount in millions, e.g. "13.34 M" */
    g_string_append_printf (out, _("%.2f M"), magnitude / 100000000.0);
  else
    append_grouped (out, (magnitude + 50) / 100);
  if (symbol == NULL && currency != NULL && *currency != '\0')
    g_string_append_printf (out, " %s", currency);
  return g_string_free (out, FALSE);
}

char *
sd_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0 || !(dt = g_date_time_new_from_unix_utc (unix_seconds)))
    return g_strdup ("—");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

const char *
sd_format_event_kind (SdEventKind kind)
{
  switch (kind)
    {
    case SD_EVENT_VIEW:     return _("View");
    case SD_EVENT_CART:     return _("Added to cart");
    case SD_EVENT_PURCHASE: return _("Purchase");
    case SD_EVENT_REVIEW:   return _("Review");
    case SD_N_EVENT_KINDS:
    default:                return "";
    }
}

const char *
sd_format_stars (int rating)
{
  static const char *const stars[] = {
    "★☆☆☆☆", "★★☆☆☆", "★★★☆☆", "★★★★☆", "★★★★★",
  };

  if (rating < 1 || rating > 5)
    return "";
  return stars[rating - 1];
}
