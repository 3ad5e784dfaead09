/* sd-entities-money.c — amounts of money in a message: symbols, codes and words, in English and
 * Chinese */
#include "config.h"

#include "sd-entities-private.h"

/* A number with thousands separators and a decimal point or comma, at @i. Returns its
 * end, and the amount in cents. */
static gsize
parse_amount (SdScan *s, gsize i, gint64 *cents)
{
  gsize j = i;
  gint64 whole = 0;
  int frac = -1, frac_digits = 0;
  if (j >= s->len || !g_ascii_isdigit (s->text[j]))
    return i;
  while (j < s->len)
    {
      char c = s->text[j];
      if (g_ascii_isdigit (c))
        {
          if (frac >= 0)
            {
              if (frac_digits < 2)
                frac = frac * 10 + (c - '0');
              frac_digits++;
            }
          else if (whole < G_GINT64_CONSTANT (100000000000))
            whole = whole * 10 + (c - '0');
          j++;
        }
      else if ((c == ',' || c == '.') && frac < 0 && j + 1 < s->len && g_ascii_isdigit (s->text[j + 1]))
        {
          gsize k = sd_scan_digits_at (s, j + 1);
          if (k == 3 && (c == ',' || (j + 4 < s->len && s->text[j + 4] == ',')))
            j++;   /* thousands */
          else if (k <= 2)
            {
              frac = 0;
              j++;
            }
          else
            break;
        }
      else
        break;
    }
  if (frac >= 0 && frac_digits == 1)
    frac *= 10;
  *cents = whole * 100 + (frac > 0 ? frac : 0);
  return j;
}

typedef struct {
  const char *token;   /* lowercase */
  const char *code;
} Currency;

static const Currency prefix_currencies[] = {
  { "us$", "USD" }, { "£", "GBP" }, { "$", "USD" }, { "€", "EUR" }, { "¥", "CNY" }, { "￥", "CNY" },
  { "rmb", "CNY" }, { "cny", "CNY" }, { "gbp", "GBP" }, { "eur", "EUR" }, { "usd", "USD" },
};
static const Currency suffix_currencies[] = {
  { "€", "EUR" }, { "块钱", "CNY" }, { "元", "CNY" }, { "块", "CNY" }, { "rmb", "CNY" }, { "yuan", "CNY" },
  { "euros", "EUR" }, { "euro", "EUR" }, { "eur", "EUR" }, { "gbp", "GBP" }, { "pounds", "GBP" },
  { "pound", "GBP" }, { "quid", "GBP" }, { "usd", "USD" }, { "dollars", "USD" }, { "dollar", "USD" },
  { "bucks", "USD" }, { "£", "GBP" }, { "¥", "CNY" },
};

static char *
money_value (gint64 cents, const char *code)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d %s", cents / 100, (int) (cents % 100), code);
}

void
sd_scan_money (SdScan *s)
{
  for (gsize i = 0; i < s->len; i++)
    {
      for (guint k = 0; k < G_N_ELEMENTS (prefix_currencies); k++)
        {
          const char *tok = prefix_currencies[k].token;
          if (!sd_scan_lower_has_prefix (s, i, tok) || (g_ascii_isalpha (tok[0]) && !sd_scan_boundary_before (s, i)))
            continue;
          gsize j = i + strlen (tok);
          if (j < s->len && s->text[j] == ' ')
            j++;
          gint64 cents;
          gsize end = parse_amount (s, j, &cents);
          if (end > j && !sd_scan_alnum_at (s, end) && sd_scan_span_free (s, i, end))
            {
              sd_scan_add (s, SD_ENTITY_MONEY, i, end, money_value (cents, prefix_currencies[k].code), 0);
              i = end - 1;
            }
          break;
        }
    }
  for (gsize i = 0; i < s->len; i++)
    {
      if (!g_ascii_isdigit (s->text[i]) || !sd_scan_boundary_before (s, i) || s->taken[i])
        continue;
      gint64 cents;
      gsize end = parse_amount (s, i, &cents);
      gsize j = end;
      if (j < s->len && s->text[j] == ' ')
        j++;
      for (guint k = 0; k < G_N_ELEMENTS (suffix_currencies); k++)
        {
          const char *tok = suffix_currencies[k].token;
          gsize n = strlen (tok);
          if (!sd_scan_lower_has_prefix (s, j, tok) || (g_ascii_isalpha (tok[0]) && sd_scan_alnum_at (s, j + n)))
            continue;
          if (sd_scan_span_free (s, i, j + n))
            sd_scan_add (s, SD_ENTITY_MONEY, i, j + n, money_value (cents, suffix_currencies[k].code), 0);
          break;
        }
      i = end;
    }
}
