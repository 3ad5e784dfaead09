/* sd-number-format.c — numbers and money as people read them (GLib only) */
#include "config.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <math.h>
#include <string.h>

#include "sd-number-format.h"

/* The user's marks for numbers: the locale's decimal point and thousands separator. The
 * C locale (tests, CI, a bare terminal) has no separator, and a dashboard full of
 * 541909-style numbers is hard to read, so it gets the English ones. Read with
 * nl_langinfo(), which, unlike localeconv(), is safe in a worker thread: the coupon
 * engine's reasons are written in jobs. */
typedef struct {
  char decimal[8];
  char group[8];
} Marks;

static void
get_marks (Marks *marks)
{
  const char *decimal = nl_langinfo (RADIXCHAR);
  const char *group = nl_langinfo (THOUSEP);

  g_strlcpy (marks->decimal, decimal && *decimal ? decimal : ".", sizeof marks->decimal);
  if (group && *group)
    g_strlcpy (marks->group, group, sizeof marks->group);
  else
    g_strlcpy (marks->group, strcmp (marks->decimal, ",") == 0 ? "." : ",", sizeof marks->group);
}

static void
append_grouped (GString     *out,
                guint64      n,
                const Marks *marks)
{
  char digits[32];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, marks->group);
      g_string_append_c (out, digits[i]);
    }
}

char *
sd_format_count (gint64 n)
{
  GString *out = g_string_new (NULL);
  Marks marks;

  get_marks (&marks);
  if (n < 0)
    g_string_append_c (out, '-');
  append_grouped (out, n < 0 ? (guint64) -(n + 1) + 1 : (guint64) n, &marks);
  return g_string_free (out, FALSE);
}

static const char *
currency_symbol (const char *code)
{
  /* Symbols nobody misreads; a code for the rest ("CHF"), which is long enough to cut a
   * headline figure ("585,942 INR" read "585,942..." on a Shopify shop in rupees). */
  static const struct { const char *code, *symbol; } symbols[] = {
    { "GBP", "£" }, { "USD", "$" }, { "EUR", "€" }, { "CNY", "¥" }, { "JPY", "¥" },
    { "INR", "₹" }, { "KRW", "₩" }, { "RUB", "₽" }, { "TRY", "₺" }, { "UAH", "₴" },
    { "ILS", "₪" }, { "VND", "₫" }, { "NGN", "₦" }, { "PHP", "₱" },
    { "CAD", "CA$" }, { "AUD", "A$" }, { "NZD", "NZ$" }, { "HKD", "HK$" }, { "TWD", "NT$" },
    { "MXN", "MX$" }, { "BRL", "R$" },
  };

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_ascii_strcasecmp (code, symbols[i].code) == 0)
      return symbols[i].symbol;
  return NULL;
}

/* Where the user's locale puts a currency symbol: before the amount ("£1,234.56") or
 * after it with a space ("1.234,56 €"), as LC_MONETARY says (CRNCYSTR starts with '-' for
 * before, '+' for after); the C locale says nothing, and gets the English order. */
static gboolean
symbol_precedes (void)
{
  const char *crncystr = nl_langinfo (CRNCYSTR);

  return crncystr == NULL || crncystr[0] != '+';
}

/* The shop's currency around an amount written in the user's marks. */
static char *
wrap_currency (gboolean    negative,
               const char *amount,
               const char *currency)
{
  const char *symbol = currency_symbol (currency);

  if (symbol && symbol_precedes ())
    return g_strconcat (negative ? "-" : "", symbol, amount, NULL);
  if (symbol)
    return g_strconcat (negative ? "-" : "", amount, "\u00a0", symbol, NULL);
  if (currency != NULL && *currency != '\0')
    return g_strconcat (negative ? "-" : "", amount, " ", currency, NULL);
  return g_strconcat (negative ? "-" : "", amount, NULL);
}

char *
sd_format_share (double share)
{
  double whole = floor (100 * share + 0.5);   /* half up, as people round */

  if (share > 0 && whole < 1)
    return g_strdup ("<1\u00a0%");
  return g_strdup_printf ("%.0f\u00a0%%", whole);
}

char *
sd_format_percent (double share,
                   int    decimals)
{
  g_autofree char *number = sd_format_decimal (100 * share, decimals);

  return g_strdup_printf ("%s\u00a0%%", number);
}

char *
sd_format_money (gint64      cents,
                 const char *currency)
{
  g_autoptr(GString) amount = g_string_new (NULL);
  guint64 magnitude = cents < 0 ? (guint64) -(cents + 1) + 1 : (guint64) cents;
  Marks marks;

  get_marks (&marks);
  append_grouped (amount, magnitude / 100, &marks);
  g_string_append_printf (amount, "%s%02u", marks.decimal, (guint) (magnitude % 100));
  return wrap_currency (cents < 0, amount->str, currency);
}

char *
sd_format_money_label (const char *amount,
                       const char *currency)
{
  g_return_val_if_fail (amount != NULL, NULL);
  if (amount[0] == '-')
    return wrap_currency (TRUE, amount + 1, currency);
  return wrap_currency (FALSE, amount, currency);
}

char *
sd_format_money_short (gint64      cents,
                       const char *currency)
{
  guint64 magnitude = cents < 0 ? (guint64) -(cents + 1) + 1 : (guint64) cents;
  g_autoptr(GString) amount = g_string_new (NULL);
  Marks marks;

  if (magnitude < 1000000)   /* under 10,000: the cents still matter */
    return sd_format_money (cents, currency);
  get_marks (&marks);
  if (magnitude >= G_GUINT64_CONSTANT (100000000))
    {
      /* TRANSLATORS: how your language counts large amounts when it shortens them: "1000000"
       * (millions: "13.34 M") or "10000" (ten-thousands: 万, 亿, 万亿, as the charts' axes
       * write them, "979.39万"); see "%s M" */
      gboolean myriads = g_str_equal (C_("large amounts counted in", "1000000"), "10000");
      guint64 unit = 1000000;   /* in the currency's units */
      guint64 hundredths;
      g_autoptr(GString) number = g_string_new (NULL);

      if (myriads)
        unit = magnitude >= G_GUINT64_CONSTANT (100000000000000) ? G_GUINT64_CONSTANT (1000000000000)
               : magnitude >= G_GUINT64_CONSTANT (10000000000) ? 100000000 : 10000;
      hundredths = (magnitude + unit / 2) / unit;   /* of a unit, from cents */
      append_grouped (number, hundredths / 100, &marks);
      g_string_append_printf (number, "%s%02u", marks.decimal, (guint) (hundredths % 100));
      if (myriads)
        /* The suffix the chart axes use, with no space before it as Chinese writes it: the
         * cards read "£979.39万" beside ticks that read "£150万". */
        g_string_append_printf (amount, "%s%s", number->str,
                                unit == 10000 ? C_("chart axis, units of 10^4", "×10⁴")
                                : unit == 100000000 ? C_("chart axis, units of 10^8", "×10⁸")
                                : C_("chart axis, units of 10^12", "×10¹²"));
      else
        /* TRANSLATORS: an amount in millions, e.g. "13.34 M" */
        g_string_append_printf (amount, _("%s M"), number->str);
    }
  else
    append_grouped (amount, (magnitude + 50) / 100, &marks);
  return wrap_currency (cents < 0, amount->str, currency);
}

char *
sd_format_decimal (double value,
                   int    decimals)
{
  char format[16], buf[G_ASCII_DTOSTR_BUF_SIZE + 32];
  Marks marks;
  char *dot;

  get_marks (&marks);
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 10));
  g_ascii_formatd (buf, sizeof buf, format, value);
  if ((dot = strchr (buf, '.')) == NULL)
    return g_strdup (buf);
  *dot = '\0';
  return g_strconcat (buf, marks.decimal, dot + 1, NULL);
}

gboolean
sd_format_parse_decimal (const char *text,
                         double     *out)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  const char *last_dot, *last_comma;
  char *end = NULL;
  Marks marks;
  double x;

  g_return_val_if_fail (text != NULL && out != NULL, FALSE);
  get_marks (&marks);

  /* Currency symbols, spaces (also the no-break and thin ones some locales group with)
   * and apostrophes (Swiss grouping) are dropped; letters are not a number. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isdigit (c) && c < 0x80)
        g_string_append_c (clean, (char) c);
      else if (c == '.' || c == ',' || c == '-' || c == '+')
        g_string_append_c (clean, (char) c);
      else if (g_unichar_isspace (c) || c == 0x00a0 || c == 0x202f || c == '\'' || c == 0x2019 ||
               g_unichar_type (c) == G_UNICODE_CURRENCY_SYMBOL)
        continue;
      else
        return FALSE;
    }
  if (clean->len == 0)
    return FALSE;

  /* Which mark is the decimal one: with both, the last; with one kind only, the locale's
   * decimal mark is decimal, and the other kind is grouping where it groups by three
   * ("1,000" in English, "1.000" in German); otherwise it is read as decimal, so "2.5"
   * means 2.5 under any locale. */
  last_dot = strrchr (clean->str, '.');
  last_comma = strrchr (clean->str, ',');
  {
    char decimal = 0;
    if (last_dot && last_comma)
      decimal = last_dot > last_comma ? '.' : ',';
    else if (last_dot || last_comma)
      {
        char mark = last_dot ? '.' : ',';
        const char *first = strchr (clean->str, mark), *last = last_dot ? last_dot : last_comma;
        gboolean groups = strlen (last + 1) == 3 &&
                          (first != last || (first - clean->str > 0 && first - clean->str <= 3 + (clean->str[0] == '-')));
        decimal = (marks.decimal[0] == mark && marks.decimal[1] == '\0') || !groups ? mark : 0;
        if (decimal && first != last)
          return FALSE;   /* "1.2.3": two decimal marks */
      }
    {
      g_autoptr(GString) number = g_string_new (NULL);
      for (const char *p = clean->str; *p; p++)
        {
          if (*p == decimal)
            g_string_append_c (number, '.');
          else if (*p != '.' && *p != ',')
            g_string_append_c (number, *p);
        }
      x = g_ascii_strtod (number->str, &end);
      if (end == NULL || *end != '\0' || end == number->str || !isfinite (x))
        return FALSE;
    }
  }
  *out = x;
  return TRUE;
}
