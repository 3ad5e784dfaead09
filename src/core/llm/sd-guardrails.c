/* sd-guardrails.c — the checks a generated reply passes before a customer sees it
 *
 * Both the reply and the evidence (facts, template reply, customer's words) are first
 * brought to one form — ASCII lower case, Chinese numerals before a measure word as
 * digits (两件 → 2件), "two" → 2, full-width digits folded — so that a paraphrase compares
 * equal to what it paraphrases; a number's marks are read when it is compared, since
 * "12,75 £" (the facts under a German locale) and "£12.75" are one amount. Then each kind of claim is
 * found in the reply, checked against the same kind in the evidence, and blanked out so
 * that the next check does not see its digits again: URLs and e-mails, dates, phone
 * numbers, codes (SD-100234, SAVE20), and last the bare numbers.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <langinfo.h>
#include <math.h>
#include <string.h>

#include "sd-guardrails.h"

const char *
sd_guardrail_check_to_string (SdGuardrailCheck check)
{
  static const char *const names[] = {
    "ok", "empty", "too_long", "wrong_language", "invented_contact", "invented_date",
    "invented_number", "unknown_product", "unsupported_promise",
  };
  return check < SD_N_GUARDRAILS ? names[check] : "?";
}

const char *
sd_guardrail_check_label (SdGuardrailCheck check)
{
  switch (check)
    {
    case SD_GUARDRAIL_OK: return _("Passed every check");
    case SD_GUARDRAIL_EMPTY: return _("Empty reply");
    case SD_GUARDRAIL_LENGTH: return _("Too long");
    case SD_GUARDRAIL_LANGUAGE: return _("Not in the customer's language");
    case SD_GUARDRAIL_CONTACT: return _("A link, e-mail or phone number not in the facts");
    case SD_GUARDRAIL_DATE: return _("A date not in the facts");
    case SD_GUARDRAIL_NUMBER: return _("An order number, price, amount or quantity not in the facts");
    case SD_GUARDRAIL_PRODUCT: return _("A product the facts do not name");
    case SD_GUARDRAIL_PROMISE: return _("A promise the facts do not make");
    default: return "?";
    }
}

void
sd_guardrail_verdict_clear (SdGuardrailVerdict *verdict)
{
  g_clear_pointer (&verdict->detail, g_free);
  verdict->check = SD_GUARDRAIL_OK;
}

guint
sd_guardrails_max_chars (guint template_chars)
{
  /* room to phrase it more warmly, not to add paragraphs */
  return CLAMP (template_chars * 3, 280, 1200);
}

/* --- one form for reply and evidence ------------------------------------------------- */

static int
zh_digit (gunichar c)
{
  static const gunichar digits[] = { 0x96F6 /* 零 */, 0x4E00 /* 一 */, 0x4E8C /* 二 */, 0x4E09 /* 三 */,
                                     0x56DB /* 四 */, 0x4E94 /* 五 */, 0x516D /* 六 */, 0x4E03 /* 七 */,
                                     0x516B /* 八 */, 0x4E5D /* 九 */ };
  if (c == 0x3007 /* 〇 */)
    return 0;
  if (c == 0x4E24 /* 两 */)
    return 2;
  for (int i = 0; i < 10; i++)
    if (digits[i] == c)
      return i;
  return -1;
}

static int
zh_unit (gunichar c)
{
  switch (c)
    {
    case 0x5341: return 10;      /* 十 */
    case 0x767E: return 100;     /* 百 */
    case 0x5343: return 1000;    /* 千 */
    case 0x4E07: return 10000;   /* 万 */
    default: return 0;
    }
}

/* What follows a number that counts something: 两件, 三天, 五个工作日, 3月3日. */
static gboolean
zh_measure (gunichar c)
{
  static const char measures[] = "件个只份套条瓶盒双张本台位元块天日号月年周次折款种箱包袋%％";
  char buf[8] = { 0 };
  if (c == 0)
    return FALSE;
  g_unichar_to_utf8 (c, buf);
  return strstr (measures, buf) != NULL;
}

/* 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105, 二〇二六 → 2026. */
static gint64
zh_value (const gunichar *run, gsize n)
{
  gboolean units = FALSE;
  for (gsize i = 0; i < n; i++)
    units |= zh_unit (run[i]) != 0;
  if (!units)
    {
      gint64 v = 0;
      for (gsize i = 0; i < n; i++)
        v = v * 10 + zh_digit (run[i]);
      return v;
    }
  gint64 total = 0, section = 0, digit = 0;
  for (gsize i = 0; i < n; i++)
    {
      int d = zh_digit (run[i]), u = zh_unit (run[i]);
      if (d >= 0)
        digit = d;
      else if (u == 10000)
        {
          total += (section + digit) * 10000;
          section = digit = 0;
        }
      else
        {
          section += (digit == 0 && u == 10 ? 1 : digit) * u;
          digit = 0;
        }
    }
  return total + section + digit;
}

static const char *const number_words[] = {
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", NULL
};

static gboolean
number_word_cb (const GMatchInfo *info,
                GString          *out,
                gpointer          user_data)
{
  g_autofree char *word = g_match_info_fetch (info, 0);
  for (guint i = 0; number_words[i]; i++)
    if (strcmp (word, number_words[i]) == 0)
      {
        g_string_append_printf (out, "%u", i);
        return FALSE;
      }
  g_string_append (out, word);
  return FALSE;
}

static char *
normalize (const char *text)
{
  GString *out = g_string_new (NULL);
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (text ? text : "", -1, NULL);
  gsize n = 0;

  while (chars[n])
    n++;
  for (gsize i = 0; i < n; i++)
    {
      gunichar c = chars[i];
      if (c >= 0xFF10 && c <= 0xFF19)   /* full-width digits */
        c = '0' + (c - 0xFF10);
      if (zh_digit (c) >= 0 || zh_unit (c))
        {
          gsize j = i;
          while (j < n && (zh_digit (chars[j]) >= 0 || zh_unit (chars[j])))
            j++;
          /* 百分之二十 → 20% */
          gboolean percent = i >= 3 && chars[i - 3] == 0x767E && chars[i - 2] == 0x5206 && chars[i - 1] == 0x4E4B;
          gboolean only_yi = TRUE;
          for (gsize k = i; k < j; k++)
            only_yi &= chars[k] == 0x4E00;
          /* a numeral that counts something; 一下, 一起, 十分 and 统一 are words */
          if (percent || (zh_measure (j < n ? chars[j] : 0) && !(only_yi && j - i > 1)))
            {
              if (percent)
                g_string_truncate (out, out->len - strlen ("百分之"));
              g_string_append_printf (out, "%" G_GINT64_FORMAT "%s", zh_value (chars + i, j - i),
                                      percent ? "%" : "");
              i = j - 1;
              continue;
            }
          for (gsize k = i; k < j; k++)
            g_string_append_unichar (out, chars[k]);
          i = j - 1;
          continue;
        }
      g_string_append_unichar (out, c < 128 ? (gunichar) g_ascii_tolower (c) : c);
    }

  static GRegex *words;
  if (g_once_init_enter (&words))
    g_once_init_leave (&words, g_regex_new ("\\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                                                    "fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)\\b",
                                                    G_REGEX_OPTIMIZE, 0, NULL));
  char *folded = g_regex_replace_eval (words, out->str, -1, 0, 0, number_word_cb, NULL, NULL);
  g_string_free (out, TRUE);
  return folded;
}

/* The span of the current match, to blank out once the match info is done with the text. */
static void
add_span (GArray           *spans,
          const GMatchInfo *info)
{
  int start, end;

  g_match_info_fetch_pos (info, 0, &start, &end);
  g_array_append_val (spans, start);
  g_array_append_val (spans, end);
}

/* What a check has seen becomes spaces, so that the next check does not see its digits. */
static void
blank_spans (char   *text,
             GArray *spans)
{
  for (guint i = 0; i + 1 < spans->len; i += 2)
    {
      int start = g_array_index (spans, int, i), end = g_array_index (spans, int, i + 1);
      memset (text + start, ' ', end - start);
    }
}

/* --- dates --------------------------------------------------------------------------- */

typedef struct {
  int year;   /* 0: not said */
  int month;
  int day;
} Date;

static int
month_number (const char *name)
{
  static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
  for (int i = 0; i < 12; i++)
    if (g_str_has_prefix (name, months[i]))
      return i + 1;
  return 0;
}

#define MONTHS "(january|february|march|april|may|june|july|august|september|october|november|december|" \
               "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"

/* The dates in normalized @text; with @blank_out, their spans become spaces. */
static GArray *
find_dates (char *text, gboolean blank_out)
{
  static GRegex *patterns[5];
  static const char *const sources[5] = {
    "\\b(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})\\b",
    "(?:(\\d{4})\\s*年\\s*)?(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*[日号]",
    "\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?" MONTHS "\\b\\.?(?:,?\\s+(\\d{4})\\b)?",
    "\\b" MONTHS "\\b\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?",
    "\\b(\\d{1,2})/(\\d{1,2})/(\\d{4})\\b",
  };
  GArray *dates = g_array_new (FALSE, FALSE, sizeof (Date));

  if (g_once_init_enter (&patterns[0]))
    {
      for (int i = 4; i >= 0; i--)
        {
          GRegex *re = g_regex_new (sources[i], G_REGEX_OPTIMIZE, 0, NULL);
          if (i > 0)
            patterns[i] = re;
          else
            g_once_init_leave (&patterns[0], re);
        }
    }
  for (int p = 0; p < 5; p++)
    {
      g_autoptr(GMatchInfo) info = NULL;
      g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (int));
      g_regex_match (patterns[p], text, 0, &info);
      while (g_match_info_matches (info))
        {
          g_autofree char *a = g_match_info_fetch (info, 1);
          g_autofree char *b = g_match_info_fetch (info, 2);
          g_autofree char *c = g_match_info_fetch (info, 3);
          Date d = { 0 };
          switch (p)
            {
            case 0: d = (Date) { atoi (a), atoi (b), atoi (c) }; break;
            case 1: d = (Date) { a && *a ? atoi (a) : 0, atoi (b), atoi (c) }; break;
            case 2: d = (Date) { c && *c ? atoi (c) : 0, month_number (b), atoi (a) }; break;
            case 3: d = (Date) { c && *c ? atoi (c) : 0, month_number (a), atoi (b) }; break;
            default:
              /* 03/04/2026 is 3 April or March 4 by who writes it: both are read */
              d = (Date) { atoi (c), atoi (b), atoi (a) };
              g_array_append_val (dates, d);
              d = (Date) { atoi (c), atoi (a), atoi (b) };
              break;
            }
          if (d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31)
            {
              g_array_append_val (dates, d);
              add_span (spans, info);
            }
          g_match_info_next (info, NULL);
        }
      /* blanked after the pass: the match info still reads the text */
      if (blank_out)
        blank_spans (text, spans);
    }
  return dates;
}

static gboolean
date_known (GArray *known, const Date *d)
{
  for (guint i = 0; i < known->len; i++)
    {
      const Date *k = &g_array_index (known, Date, i);
      if (k->month == d->month && k->day == d->day && (k->year == 0 || d->year == 0 || k->year == d->year))
        return TRUE;
    }
  return FALSE;
}

/* --- numbers, codes, contacts ------------------------------------------------------- */

static GRegex *
regex (GRegex **slot, const char *pattern)
{
  if (g_once_init_enter (slot))
    g_once_init_leave (slot, g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL));
  return *slot;
}

/* Digits joined by the marks numbers are written with: "12,75", "1.299,00", "1,299.00",
 * "1 299,00" (a space, no-break or narrow, before three digits), "1'299.00". */
static GRegex *
written_number_regex (void)
{
  static GRegex *re;
  return regex (&re, "[0-9]+(?:(?:[.,'\\x{a0}\\x{202f}\\x{2019}]| (?=[0-9]{3}(?![0-9])))[0-9]+)*");
}

/* What a written number may mean: one value, two where its marks are read either way
 * ("1.299" is 1299 in German and 1.299 in English), and with @parts its digit groups as
 * numbers of their own ("sizes 10,12"; "2 500" may be two numbers). */
typedef struct {
  double   values[2];
  guint    n_values;
  gboolean parts;
  GArray  *groups;   /* double: each digit group's value */
} Written;

/* Money by a currency's sign or name either side: its comma is a decimal mark wherever the
 * user is ("12,75 £" and "12,75 €" read alike in an English reply). */
static gboolean
beside_currency (const char *text,
                 int         start,
                 int         end)
{
  static const char *const after_words[] = { "eur", "gbp", "usd", "cny", "rmb", "元", "英镑", "欧元", "美元", "镑", NULL };
  const char *p = text + start;

  while (p > text)
    {
      const char *q = g_utf8_prev_char (p);
      gunichar c = g_utf8_get_char (q);
      if (c == ' ' || c == 0x00a0 || c == 0x202f)
        p = q;
      else
        {
          if (g_unichar_type (c) == G_UNICODE_CURRENCY_SYMBOL)
            return TRUE;
          break;
        }
    }
  p = text + end;
  while (*p == ' ' || g_str_has_prefix (p, "\u00a0") || g_str_has_prefix (p, "\u202f"))
    p = g_utf8_next_char (p);
  if (*p && g_unichar_type (g_utf8_get_char (p)) == G_UNICODE_CURRENCY_SYMBOL)
    return TRUE;
  for (guint i = 0; after_words[i]; i++)
    if (g_str_has_prefix (p, after_words[i]) && !g_ascii_isalpha (p[strlen (after_words[i])]))
      return TRUE;
  return FALSE;
}

static gboolean
comma_is_locale_decimal (void)
{
  const char *radix = nl_langinfo (RADIXCHAR);
  return radix != NULL && strcmp (radix, ",") == 0;
}

/* Reads @token (a match of written_number_regex) found in @text between @start and @end. */
static void
read_written (const char *text,
              int         start,
              int         end,
              Written    *w)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (int));   /* of each group */
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (gunichar));
  int group = 0;

  w->n_values = 0;
  w->parts = FALSE;
  w->groups = g_array_new (FALSE, FALSE, sizeof (double));
  for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c >= '0' && c <= '9')
        {
          g_string_append_c (digits, (char) c);
          group++;
          continue;
        }
      g_array_append_val (lengths, group);
      g_array_append_val (marks, c);
      group = 0;
    }
  g_array_append_val (lengths, group);

  guint k = marks->len;
  {
    const char *d = digits->str;
    for (guint i = 0; i < lengths->len; i++)
      {
        int len = g_array_index (lengths, int, i);
        g_autofree char *part = g_strndup (d, len);
        double v = g_ascii_strtod (part, NULL);
        g_array_append_val (w->groups, v);
        d += len;
      }
  }
  if (k == 0)
    {
      w->values[w->n_values++] = g_ascii_strtod (digits->str, NULL);
      return;
    }

  /* the first @upto marks group by three: one mark, 1-3 digits before, three after each */
  gboolean grouped[2] = { FALSE, FALSE };   /* [0]: all marks; [1]: all but the last */
  for (guint upto = k; upto + 1 >= k && upto > 0; upto--)
    {
      gboolean ok = g_array_index (lengths, int, 0) <= 3;
      for (guint i = 1; i <= upto && ok; i++)
        ok = g_array_index (lengths, int, i) == 3 &&
             g_array_index (marks, gunichar, i - 1) == g_array_index (marks, gunichar, 0);
      grouped[k - upto] = ok;
    }
  gunichar last = g_array_index (marks, gunichar, k - 1);
  gboolean decimal = (last == '.' || last == ',') &&
                     (k == 1 || (grouped[1] && g_array_index (marks, gunichar, k - 2) != last));

  if (grouped[0])
    w->values[w->n_values++] = g_ascii_strtod (digits->str, NULL);
  if (decimal)
    {
      int fraction = g_array_index (lengths, int, k);
      g_autofree char *whole = g_strndup (digits->str, digits->len - fraction);
      g_autofree char *number = g_strconcat (whole, ".", digits->str + digits->len - fraction, NULL);
      w->values[w->n_values++] = g_ascii_strtod (number, NULL);
      /* "10,12" in English may be two numbers; not beside a currency, after grouping, or
       * where the comma is the user's decimal mark */
      if (last == ',' && k == 1 && !grouped[0] && !beside_currency (text, start, end) && !comma_is_locale_decimal ())
        w->parts = TRUE;
    }
  if (w->n_values == 0)
    w->parts = TRUE;
  for (guint i = 0; i < k; i++)
    if (g_array_index (marks, gunichar, i) == ' ')
      w->parts = TRUE;
}

static gboolean
number_known (GArray *known, double v)
{
  /* 0 and 1 are too common in plain speech ("one of our team", "一个") to hold against it */
  if (v == 0 || v == 1)
    return TRUE;
  for (guint i = 0; i < known->len; i++)
    if (fabs (g_array_index (known, double, i) - v) < 0.001)
      return TRUE;
  return FALSE;
}

/* Every value the numbers written in @text may mean. */
static GArray *
find_numbers (const char *text)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (written_number_regex (), text, 0, &info);
  while (g_match_info_matches (info))
    {
      int start, end;
      Written w;
      g_match_info_fetch_pos (info, 0, &start, &end);
      read_written (text, start, end, &w);
      g_array_append_vals (values, w.values, w.n_values);
      if (w.parts)
        g_array_append_vals (values, w.groups->data, w.groups->len);
      g_array_unref (w.groups);
      g_match_info_next (info, NULL);
    }
  return values;
}

/* The first number written in @text that no reading of makes one of @known, or NULL. */
static char *
find_unknown_number (const char *text,
                     GArray     *known)
{
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (written_number_regex (), text, 0, &info);
  while (g_match_info_matches (info))
    {
      int start, end;
      Written w;
      gboolean ok = FALSE;
      g_match_info_fetch_pos (info, 0, &start, &end);
      read_written (text, start, end, &w);
      for (guint i = 0; i < w.n_values && !ok; i++)
        ok = number_known (known, w.values[i]);
      if (!ok && w.parts)
        {
          ok = TRUE;
          for (guint i = 0; i < w.groups->len && ok; i++)
            ok = number_known (known, g_array_index (w.groups, double, i));
        }
      g_array_unref (w.groups);
      if (!ok)
        return g_strndup (text + start, end - start);
      g_match_info_next (info, NULL);
    }
  return NULL;
}

/* Letters and digits only: "SD-100234" and "sd100234" are the same code. */
static char *
alnum_only (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static GRegex *
code_regex (void)
{
  static GRegex *re;
  return regex (&re, "\\b[a-z0-9]+(?:[-_][a-z0-9]+)*\\b");
}

/* Tokens of letters and digits both, by their letters and digits ("sd100234"). */
static GHashTable *
find_codes (const char *text)
{
  GHashTable *codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (code_regex (), text, 0, &info);
  while (g_match_info_matches (info))
    {
      g_autofree char *token = g_match_info_fetch (info, 0);
      g_hash_table_add (codes, alnum_only (token));
      g_match_info_next (info, NULL);
    }
  return codes;
}

static gboolean
has_letter_and_digit (const char *token)
{
  gboolean letter = FALSE, digit = FALSE;
  for (const char *p = token; *p; p++)
    {
      letter |= g_ascii_isalpha (*p);
      digit |= g_ascii_isdigit (*p);
    }
  return letter && digit;
}

/* 3pm, 24h, 5th, 2x, 10kg: a number with its unit, not a code. */
static gboolean
number_with_unit (const char *token)
{
  static GRegex *re;
  return g_regex_match (regex (&re, "^(?:x\\d+|\\d+(?:st|nd|rd|th|am|pm|h|hrs?|x|kg|g|cm|mm|m|ml|l|pcs|min|mins|days?))$"),
                        token, 0, NULL);
}

static GRegex *
phone_regex (void)
{
  static GRegex *re;
  return regex (&re, "\\+?\\d[\\d ().-]{6,}\\d");
}

static char *
digits_only (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static gboolean
phone_known (const char *evidence_digits_joined, const char *digits)
{
  gsize n = strlen (digits);
  /* "020 7946 0958" for "+44 20 7946 0958": the subscriber's digits are what matter */
  const char *tail = n > 8 ? digits + n - 8 : digits;
  return strstr (evidence_digits_joined, tail) != NULL;
}

/* "two offers", 两张优惠券: how many entries a fact lists is a fact too. */
static void
add_list_lengths (const SdGuardrailInput *input,
                  GArray                 *numbers)
{
  static GRegex *re;
  regex (&re, "; |；|、|, ");
  for (guint i = 0; input->facts && input->facts[i]; i++)
    {
      g_auto(GStrv) parts = g_regex_split (re, input->facts[i], 0);
      double n = g_strv_length (parts);
      if (n >= 2)
        g_array_append_val (numbers, n);
    }
}

/* "9:00–17:30" is said "9am to 5:30pm" too: an afternoon hour counts on the 12-hour clock. */
static void
add_clock_hours (const char *evidence,
                 GArray     *numbers)
{
  static GRegex *re;
  g_autoptr(GMatchInfo) info = NULL;

  g_regex_match (regex (&re, "\\b(1[3-9]|2[0-3]):[0-5]\\d\\b"), evidence, 0, &info);
  while (g_match_info_matches (info))
    {
      g_autofree char *hour = g_match_info_fetch (info, 1);
      double h = g_ascii_strtod (hour, NULL) - 12;
      g_array_append_val (numbers, h);
      g_match_info_next (info, NULL);
    }
}

/* --- products and promises ------------------------------------------------------------- */

static gboolean
mentions (const char *haystack, const char *needle)
{
  gsize n = strlen (needle);
  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    {
      gboolean start_ok = p == haystack || !g_ascii_isalnum (p[-1]);
      const char *e = p + n;
      gboolean end_ok = !g_ascii_isalnum (*e) || (*e == 's' && !g_ascii_isalnum (e[1])) ||
                        (e[0] == 'e' && e[1] == 's' && !g_ascii_isalnum (e[2]));
      if (start_ok && end_ok)
        return TRUE;
    }
  return FALSE;
}

/* A title distinctive enough that mentioning it is naming that product. */
static gboolean
distinctive_title (const char *lower)
{
  glong chars = g_utf8_strlen (lower, -1);
  return (strchr (lower, ' ') && chars >= 6) || (!g_str_is_ascii (lower) && chars >= 4);
}

typedef struct {
  const char *what;      /* for the detail */
  const char *claim;     /* in the reply */
  const char *support;   /* in the shop's facts, for the claim to stand */
} Promise;

static const Promise promises[] = {
  { "refund",
    "refund(?:s|ed)?(?:\\s+(?:for|of|on)\\s+\\S+)?\\s+(?:has|have|is|was|will\\s+be)\\s+(?:been\\s+)?(?:granted|approved|issued|processed|sent|on\\s+its\\s+way)"
    "|(?:approved|granted|issued|processed)\\s+(?:your|a|the)\\s+(?:full\\s+)?refund"
    "|(?:we|i)(?:'ll|\\s+will|'ve|\\s+have)\\s+(?:\\w+\\s+)?(?:refund|issued?\\s+(?:you\\s+)?a\\s+refund|processed\\s+(?:a|your)\\s+refund)"
    "|full\\s+refund|refunded\\s+you|money\\s+back"
    "|已(?:为您|给您)?(?:办理)?退款|退款已|全额退款|(?:为您|给您)(?:办理)?退款|会(?:为您|给您)?退款",
    "refund|money back|退款|退回" },
  { "free shipping",
    "free\\s+(?:shipping|delivery|postage)|ship(?:ped|ping)?\\s+(?:it\\s+)?(?:for\\s+free|at\\s+no\\s+(?:cost|charge))"
    "|no\\s+(?:shipping|delivery)\\s+(?:fee|cost|charge)|包邮|免运费|免邮|免费(?:配送|送货|发货|邮寄)",
    "free shipping|free delivery|free postage|free\\s+(?:over|above|for|on|from)\\b|包邮|免运费|免邮|免费配送|免费送货" },
  { "discount code",
    "(?:discount|coupon|promo|promotion|voucher|gift)\\s*codes?|\\buse\\s+(?:the\\s+)?code\\b|\\bcode\\s+[a-z0-9]{4,}"
    "|优惠码|折扣码|优惠券码|兑换码|券码",
    "code|码" },
};

/* --- language --------------------------------------------------------------------------- */

const char *
sd_guardrails_detect_language (const char *text,
                               const char *ignore)
{
  g_autofree char *lower_ignore = ignore ? g_utf8_strdown (ignore, -1) : g_strdup ("");
  g_autofree char *lower = g_utf8_strdown (text ? text : "", -1);
  guint han = 0, latin = 0;
  const char *p = lower;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_ascii_isalpha (*p))
        {
          const char *e = p;
          while (g_ascii_isalpha (*e))
            e++;
          g_autofree char *word = g_strndup (p, e - p);
          /* a product name or code from the facts says nothing of the language */
          if (!(e - p >= 2 && mentions (lower_ignore, word)))
            latin += e - p;
          p = e;
          continue;
        }
      if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN)
        {
          const char *e = p;
          while (*e && g_unichar_get_script (g_utf8_get_char (e)) == G_UNICODE_SCRIPT_HAN)
            e = g_utf8_next_char (e);
          g_autofree char *run = g_strndup (p, e - p);
          if (!(g_utf8_strlen (run, -1) >= 2 && strstr (lower_ignore, run)))
            han += g_utf8_strlen (run, -1);
          p = e;
          continue;
        }
      p = g_utf8_next_char (p);
    }
  if (han + latin < 4)
    return NULL;
  /* a Chinese character carries about as much as an English word of three letters */
  return han * 3 >= latin ? "zh_CN" : "en";
}

/* --- the checks -------------------------------------------------------------------------- */

static gboolean
fail (SdGuardrailVerdict *verdict,
      SdGuardrailCheck    check,
      char               *detail)
{
  verdict->check = check;
  verdict->detail = detail;
  return FALSE;
}

static char *
join_evidence (const SdGuardrailInput *input,
               gboolean                with_customer)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; input->facts && input->facts[i]; i++)
    g_string_append_printf (s, "%s\n", input->facts[i]);
  if (input->template_reply)
    g_string_append_printf (s, "%s\n", input->template_reply);
  if (with_customer && input->customer_text)
    g_string_append_printf (s, "%s\n", input->customer_text);
  return g_string_free (s, FALSE);
}

gboolean
sd_guardrails_check (const SdGuardrailInput *input,
                     const char             *reply,
                     SdGuardrailVerdict     *verdict)
{
  g_return_val_if_fail (input != NULL && verdict != NULL, FALSE);

  verdict->check = SD_GUARDRAIL_OK;
  verdict->detail = NULL;

  g_autofree char *stripped = g_strstrip (g_strdup (reply ? reply : ""));
  if (*stripped == '\0' || !g_utf8_validate (stripped, -1, NULL))
    return fail (verdict, SD_GUARDRAIL_EMPTY, g_strdup (_("The model sent no usable text")));

  guint max = input->max_chars ? input->max_chars
              : sd_guardrails_max_chars (g_utf8_strlen (input->template_reply ? input->template_reply : "", -1));
  glong chars = g_utf8_strlen (stripped, -1);
  if ((guint) chars > max)
    return fail (verdict, SD_GUARDRAIL_LENGTH,
                 g_strdup_printf (_("%ld characters, more than the %u allowed"), chars, max));

  g_autofree char *evidence_raw = join_evidence (input, TRUE);
  g_autofree char *shop_raw = join_evidence (input, FALSE);
  const char *want = g_str_has_prefix (input->lang ? input->lang : "en", "zh") ? "zh_CN" : "en";
  const char *got = sd_guardrails_detect_language (stripped, evidence_raw);
  if (got && strcmp (got, want) != 0)
    return fail (verdict, SD_GUARDRAIL_LANGUAGE,
                 g_strdup_printf (_("Written in %s, but the customer writes in %s"),
                                  strcmp (got, "en") == 0 ? _("English") : _("Chinese"),
                                  strcmp (want, "en") == 0 ? _("English") : _("Chinese")));

  g_autofree char *text = normalize (stripped);
  /* the checks below blank what they have seen in text; promises read the whole of it */
  g_autofree char *plain = g_strdup (text);
  g_autofree char *evidence = normalize (evidence_raw);
  g_autofree char *shop = normalize (shop_raw);

  /* links and e-mails, by their exact text */
  {
    static GRegex *url_re, *mail_re;
    GRegex *res[] = { regex (&url_re, "(?:https?://|www\\.)[^\\s<>\"'，。）)]+"),
                      regex (&mail_re, "[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}") };
    for (guint r = 0; r < G_N_ELEMENTS (res); r++)
      {
        g_autoptr(GMatchInfo) info = NULL;
        g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (int));
        g_regex_match (res[r], text, 0, &info);
        while (g_match_info_matches (info))
          {
            g_autofree char *found = g_match_info_fetch (info, 0);
            gsize n = strlen (found);
            while (n && strchr (".,;:!?", found[n - 1]))
              found[--n] = '\0';
            if (!strstr (evidence, found))
              return fail (verdict, SD_GUARDRAIL_CONTACT,
                           g_strdup_printf (_("“%s” is not in the facts"), found));
            add_span (spans, info);
            g_match_info_next (info, NULL);
          }
        blank_spans (text, spans);
      }
  }

  /* dates, by day and month (and year when both say one) */
  {
    g_autofree char *evidence_copy = g_strdup (evidence);
    g_autoptr(GArray) known = find_dates (evidence_copy, FALSE);
    g_autoptr(GArray) said = find_dates (text, TRUE);
    for (guint i = 0; i < said->len; i++)
      {
        const Date *d = &g_array_index (said, Date, i);
        if (!date_known (known, d))
          return fail (verdict, SD_GUARDRAIL_DATE,
                       d->year ? g_strdup_printf (_("The date %04d-%02d-%02d is not in the facts"), d->year, d->month, d->day)
                               : g_strdup_printf (_("The date %02d-%02d (month-day) is not in the facts"), d->month, d->day));
      }
  }

  /* phone numbers, by their digits */
  {
    GString *known = g_string_new (NULL);
    g_autoptr(GMatchInfo) info = NULL;
    g_regex_match (phone_regex (), evidence, 0, &info);
    while (g_match_info_matches (info))
      {
        g_autofree char *found = g_match_info_fetch (info, 0);
        g_autofree char *digits = digits_only (found);
        g_string_append_printf (known, "%s|", digits);
        g_match_info_next (info, NULL);
      }
    g_clear_pointer (&info, g_match_info_free);
    g_regex_match (phone_regex (), text, 0, &info);
    g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (int));
    while (g_match_info_matches (info))
      {
        g_autofree char *found = g_match_info_fetch (info, 0);
        g_autofree char *digits = digits_only (found);
        if (strlen (digits) >= 8)
          {
            if (!phone_known (known->str, digits))
              {
                g_string_free (known, TRUE);
                return fail (verdict, SD_GUARDRAIL_CONTACT,
                             g_strdup_printf (_("The phone number “%s” is not in the facts"), g_strstrip (found)));
              }
            add_span (spans, info);
          }
        g_match_info_next (info, NULL);
      }
    g_string_free (known, TRUE);
    blank_spans (text, spans);
  }

  /* codes (order numbers with letters, coupon codes), then bare numbers */
  {
    g_autoptr(GHashTable) codes = find_codes (evidence);
    g_autoptr(GArray) numbers = find_numbers (evidence);
    add_list_lengths (input, numbers);
    add_clock_hours (evidence, numbers);
    g_autoptr(GMatchInfo) info = NULL;
    g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (int));

    g_regex_match (code_regex (), text, 0, &info);
    while (g_match_info_matches (info))
      {
        g_autofree char *token = g_match_info_fetch (info, 0);
        if (has_letter_and_digit (token) && !number_with_unit (token))
          {
            g_autofree char *key = alnum_only (token);
            g_autofree char *digits = digits_only (token);
            /* SD-100234 for #100234 is the same order; SAVE20 for nothing is invented */
            if (!g_hash_table_contains (codes, key) &&
                !(strlen (digits) >= 4 && number_known (numbers, g_ascii_strtod (digits, NULL))))
              return fail (verdict, SD_GUARDRAIL_NUMBER,
                           g_strdup_printf (_("The code “%s” is not in the facts"), token));
            add_span (spans, info);
          }
        g_match_info_next (info, NULL);
      }
    blank_spans (text, spans);

    g_autofree char *unknown = find_unknown_number (text, numbers);
    if (unknown)
      return fail (verdict, SD_GUARDRAIL_NUMBER, g_strdup_printf (_("The number %s is not in the facts"), unknown));
  }

  /* products of the catalogue that the facts do not name */
  if (input->products)
    {
      g_autofree char *lower = g_utf8_strdown (stripped, -1);
      g_autofree char *lower_evidence = g_utf8_strdown (evidence_raw, -1);
      for (guint i = 0; input->products[i]; i++)
        {
          g_autofree char *title = g_utf8_strdown (input->products[i], -1);
          g_strstrip (title);
          if (distinctive_title (title) && mentions (lower, title) && !strstr (lower_evidence, title))
            return fail (verdict, SD_GUARDRAIL_PRODUCT,
                         g_strdup_printf (_("“%s” is not among the products of this answer"), input->products[i]));
        }
    }

  /* promises: the shop's facts must make them, the customer asking is not enough */
  for (guint i = 0; i < G_N_ELEMENTS (promises); i++)
    {
      static GRegex *claims[G_N_ELEMENTS (promises)], *supports[G_N_ELEMENTS (promises)];
      g_autoptr(GMatchInfo) info = NULL;
      if (g_regex_match (regex (&claims[i], promises[i].claim), plain, 0, &info) &&
          !g_regex_match (regex (&supports[i], promises[i].support), shop, 0, NULL))
        {
          g_autofree char *said = g_match_info_fetch (info, 0);
          return fail (verdict, SD_GUARDRAIL_PROMISE,
                       g_strdup_printf (_("Promises %s (“%s”), which the facts do not offer"), promises[i].what, said));
        }
    }
  return TRUE;
}
