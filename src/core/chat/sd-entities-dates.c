/* sd-entities-dates.c — dates in a message: written out, numeric, relative ("next Friday",
 * 下周五), to a day */
#include "config.h"

#include "sd-entities-private.h"

static const char *const months[] = {
  "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december"
};
static const char *const weekdays_en[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

static char *
date_value (const GDate *d)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d),
                          g_date_get_day (d));
}

static char *
dmy_value (SdScan *s, int day, int month, int year)
{
  if (year <= 0)
    year = g_date_get_year (&s->today);
  if (!g_date_valid_dmy (day, month, year))
    return NULL;
  GDate d;
  g_date_set_dmy (&d, day, month, year);
  return date_value (&d);
}

static char *
offset_value (SdScan *s, int days)
{
  GDate d = s->today;
  if (days >= 0)
    g_date_add_days (&d, days);
  else
    g_date_subtract_days (&d, -days);
  return date_value (&d);
}

/* 1 = Monday … 7 = Sunday; @week: -1 last week (Chinese 上周), 0 the most recent
 * such day (English "last Friday", "on Friday"), 1 the next such day, 2 this week,
 * 3 next week (Chinese 下周). */
static char *
weekday_value (SdScan *s, int wd, int week)
{
  int today = g_date_get_weekday (&s->today);
  int delta;
  switch (week)
    {
    case -1: delta = -(today - 1) - 7 + (wd - 1); break;
    case 1: delta = ((wd - today) + 7) % 7; if (delta == 0) delta = 7; break;
    case 2: delta = wd - today; break;
    case 3: delta = 7 - (today - 1) + (wd - 1); break;
    default: delta = -(((today - wd) + 7) % 7); if (delta == 0) delta = -7; break;
    }
  return offset_value (s, delta);
}

static int
month_at (SdScan *s, gsize i, gsize *end)
{
  for (int m = 0; m < 12; m++)
    {
      gsize full = strlen (months[m]);
      if (sd_scan_lower_has_prefix (s, i, months[m]) && !sd_scan_alnum_at (s, i + full))
        {
          *end = i + full;
          return m + 1;
        }
      if (sd_scan_lower_has_prefix (s, i, (char[]) { months[m][0], months[m][1], months[m][2], 0 }))
        {
          gsize e = i + 3;
          if (sd_scan_lower_has_prefix (s, e, "t") && m == 8)
            e++;            /* "sept" */
          if (e < s->len && s->text[e] == '.')
            e++;
          if (!sd_scan_alnum_at (s, e))
            {
              *end = e;
              return m + 1;
            }
        }
    }
  return 0;
}

static gsize
day_number_at (SdScan *s, gsize i, int *day)
{
  gsize n = sd_scan_digits_at (s, i);
  if (n == 0 || n > 2)
    return i;
  *day = atoi (s->text + i);
  gsize j = i + n;
  static const char *const ord[] = { "st", "nd", "rd", "th" };
  for (guint k = 0; k < G_N_ELEMENTS (ord); k++)
    if (sd_scan_lower_has_prefix (s, j, ord[k]))
      {
        j += 2;
        break;
      }
  return sd_scan_alnum_at (s, j) ? i : j;
}

/* The Chinese numerals of 1..31 and weekdays (日/天 = Sunday). */
int
sd_entities_zh_number (const char *p, gsize *len)
{
  static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "两" };
  int value = -1;
  *len = 0;
  for (;;)
    {
      int d = -1;
      for (int k = 0; k < (int) G_N_ELEMENTS (digits); k++)
        if (g_str_has_prefix (p + *len, digits[k]))
          {
            d = k == 11 ? 2 : k;
            break;
          }
      if (d < 0)
        break;
      *len += 3;
      if (d == 10)
        value = (value <= 0 ? 1 : value) * 10;
      else if (value >= 10 && value % 10 == 0)
        value += d;
      else
        value = (value < 0 ? 0 : value * 10) + d;
    }
  return value;
}

static int
zh_weekday (const char *p, gsize *len)
{
  static const char *const names[] = { "一", "二", "三", "四", "五", "六", "日", "天" };
  for (int k = 0; k < 8; k++)
    if (g_str_has_prefix (p, names[k]))
      {
        *len = strlen (names[k]);
        return k < 7 ? k + 1 : 7;
      }
  return 0;
}

static gboolean
scan_date_at (SdScan *s, gsize i)
{
  const char *p = s->text + i;
  int y, m, d;
  gsize end;
  char *v = NULL;

  /* 2024-05-01, 2024/5/1 */
  if (sd_scan_boundary_before (s, i) && sd_scan_digits_at (s, i) == 4 && i + 4 < s->len &&
      (p[4] == '-' || p[4] == '/'))
    {
      char sep = p[4];
      gsize mi = i + 5, mn = sd_scan_digits_at (s, mi);
      if (mn >= 1 && mn <= 2 && mi + mn < s->len && s->text[mi + mn] == sep)
        {
          gsize di = mi + mn + 1, dn = sd_scan_digits_at (s, di);
          if (dn >= 1 && dn <= 2 && !sd_scan_alnum_at (s, di + dn))
            {
              y = atoi (p);
              m = atoi (s->text + mi);
              d = atoi (s->text + di);
              end = di + dn;
              if ((v = dmy_value (s, d, m, y)))
                goto found;
            }
        }
    }

  /* 2024年5月1日, 5月1日, 5月1号 */
  {
    gsize j = i;
    y = 0;
    if (sd_scan_digits_at (s, j) == 4 && g_str_has_prefix (s->text + j + 4, "年"))
      {
        y = atoi (s->text + j);
        j += 4 + strlen ("年");
      }
    gsize mn = sd_scan_digits_at (s, j);
    if (mn >= 1 && mn <= 2 && (i == j || y > 0) && g_str_has_prefix (s->text + j + mn, "月") &&
        (i == 0 || !g_ascii_isdigit (s->text[i - 1])))
      {
        m = atoi (s->text + j);
        gsize di = j + mn + strlen ("月");
        gsize dn = sd_scan_digits_at (s, di);
        if (dn >= 1 && dn <= 2 && (g_str_has_prefix (s->text + di + dn, "日") ||
                                   g_str_has_prefix (s->text + di + dn, "号")))
          {
            d = atoi (s->text + di);
            end = di + dn + 3;
            if ((v = dmy_value (s, d, m, y)))
              goto found;
          }
      }
  }

  if (sd_scan_boundary_before (s, i))
    {
      /* 5 May, 5th of May 2024 */
      gsize j = day_number_at (s, i, &d);
      if (j > i)
        {
          gsize k = j;
          if (k < s->len && s->text[k] == ' ')
            k++;
          if (sd_scan_lower_has_prefix (s, k, "of "))
            k += 3;
          if ((m = month_at (s, k, &end)))
            {
              y = 0;
              if (end + 5 <= s->len && s->text[end] == ' ' && sd_scan_digits_at (s, end + 1) == 4)
                {
                  y = atoi (s->text + end + 1);
                  end += 5;
                }
              if ((v = dmy_value (s, d, m, y)))
                goto found;
            }
        }
      /* May 5, May 5th */
      if ((m = month_at (s, i, &end)) && end < s->len && s->text[end] == ' ')
        {
          gsize j2 = day_number_at (s, end + 1, &d);
          if (j2 > end + 1)
            {
              end = j2;
              if ((v = dmy_value (s, d, m, 0)))
                goto found;
            }
        }

      static const struct { const char *word; int days; } rel[] = {
        { "the day before yesterday", -2 }, { "yesterday", -1 }, { "today", 0 },
        { "tonight", 0 }, { "tomorrow", 1 }, { "day after tomorrow", 2 },
      };
      for (guint k = 0; k < G_N_ELEMENTS (rel); k++)
        if (sd_scan_lower_has_prefix (s, i, rel[k].word) && !sd_scan_alnum_at (s, i + strlen (rel[k].word)))
          {
            end = i + strlen (rel[k].word);
            v = offset_value (s, rel[k].days);
            goto found;
          }

      /* last/next/this Friday, on Friday */
      static const struct { const char *word; int week; } mod[] = {
        { "last ", 0 }, { "next ", 1 }, { "this ", 2 }, { "on ", 0 }, { "", 0 },
      };
      for (guint k = 0; k < G_N_ELEMENTS (mod); k++)
        {
          if (!sd_scan_lower_has_prefix (s, i, mod[k].word))
            continue;
          gsize j3 = i + strlen (mod[k].word);
          for (int w = 0; w < 7; w++)
            {
              gsize n = strlen (weekdays_en[w]);
              gsize e = 0;
              if (sd_scan_lower_has_prefix (s, j3, weekdays_en[w]))
                e = j3 + n;
              else if (sd_scan_lower_has_prefix (s, j3, (char[]) { weekdays_en[w][0], weekdays_en[w][1], weekdays_en[w][2], 0 }) &&
                       !sd_scan_alnum_at (s, j3 + 3))
                e = j3 + 3;
              if (e && !sd_scan_alnum_at (s, e))
                {
                  /* "on Friday" keeps only the weekday as the span */
                  gsize start = k == 3 ? j3 : i;
                  if (!sd_scan_span_free (s, start, e))
                    return FALSE;
                  sd_scan_add (s, SD_ENTITY_DATE, start, e, weekday_value (s, w + 1, mod[k].week), 0);
                  return TRUE;
                }
            }
        }

      /* 3 days ago */
      gsize n = sd_scan_digits_at (s, i);
      if (n >= 1 && n <= 3 && sd_scan_lower_has_prefix (s, i + n, " days ago"))
        {
          end = i + n + strlen (" days ago");
          v = offset_value (s, -atoi (p));
          goto found;
        }
    }

  /* 昨天, 上周五, 星期三, 3天前 */
  {
    static const struct { const char *word; int days; } rel[] = {
      { "大前天", -3 }, { "前天", -2 }, { "昨天", -1 }, { "昨日", -1 }, { "今天", 0 }, { "今日", 0 },
      { "明天", 1 }, { "后天", 2 },
    };
    for (guint k = 0; k < G_N_ELEMENTS (rel); k++)
      if (g_str_has_prefix (p, rel[k].word))
        {
          end = i + strlen (rel[k].word);
          v = offset_value (s, rel[k].days);
          goto found;
        }
    static const struct { const char *word; int week; } mod[] = {
      { "上周", -1 }, { "上星期", -1 }, { "上礼拜", -1 }, { "下周", 1 }, { "下星期", 1 },
      { "这周", 2 }, { "本周", 2 }, { "这星期", 2 }, { "周", 0 }, { "星期", 0 }, { "礼拜", 0 },
    };
    for (guint k = 0; k < G_N_ELEMENTS (mod); k++)
      {
        if (!g_str_has_prefix (p, mod[k].word))
          continue;
        gsize j = i + strlen (mod[k].word), wl;
        int wd = zh_weekday (s->text + j, &wl);
        if (wd == 0)
          break;
        end = j + wl;
        /* 下周一 is Monday of next week, not the next Monday */
        v = weekday_value (s, wd, mod[k].week == 1 ? 3 : mod[k].week);
        goto found;
      }
    gsize nl = sd_scan_digits_at (s, i);
    if (nl >= 1 && nl <= 3 && g_str_has_prefix (p + nl, "天前"))
      {
        end = i + nl + strlen ("天前");
        v = offset_value (s, -atoi (p));
        goto found;
      }
  }
  return FALSE;

found:
  if (!sd_scan_span_free (s, i, end))
    {
      g_free (v);
      return FALSE;
    }
  sd_scan_add (s, SD_ENTITY_DATE, i, end, v, 0);
  return TRUE;
}

void
sd_scan_dates (SdScan *s)
{
  for (gsize i = 0; i < s->len; i++)
    if (!s->taken[i] && (i == 0 || (s->text[i] & 0xC0) != 0x80) && scan_date_at (s, i))
      {
        while (i + 1 < s->len && s->taken[i + 1])
          i++;
      }
}
