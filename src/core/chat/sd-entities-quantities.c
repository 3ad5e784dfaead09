/* sd-entities-quantities.c — quantities in a message: counts of things, not times or money */
#include "config.h"

#include "sd-entities-private.h"

/* 两个星期, 三个月, 一个小时: a measure word before a unit of time counts time, not items. */
static gboolean
zh_time_at (const SdScan *s,
            gsize       pos)
{
  static const char *const time_zh[] = {
    "星期", "礼拜", "月", "小时", "钟头", "工作日", "半月", "多月", "多星期", "多小时", NULL
  };
  for (guint k = 0; time_zh[k]; k++)
    if (g_str_has_prefix (s->text + pos, time_zh[k]))
      return TRUE;
  return FALSE;
}

void
sd_scan_quantities (SdScan *s)
{
  static const char *const number_words[] = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"
  };
  static const char *const units[] = {
    "pcs", "pc", "pieces", "piece", "items", "item", "units", "unit", "pairs", "pair",
    "packs", "pack", "boxes", "box", "bottles", "bottle", "x", NULL
  };
  static const char *const not_after[] = {
    "day", "week", "month", "year", "hour", "minute", "min", "second", "working", "business",
    "am", "pm", "time", "percent", "%", "star", "size", "cm", "mm", "kg", "g", "ml", "l",
    "inch", "feet", "ft", "m", "st", "nd", "rd", "th", "or", "and", "to", "of", NULL
  };
  static const char *const measure_zh[] = {
    "件", "个", "双", "条", "只", "台", "把", "本", "盒", "包", "瓶", "套", "张", "份", "支", "顶", NULL
  };

  for (gsize i = 0; i < s->len; i++)
    {
      if (s->taken[i] || (s->text[i] & 0xC0) == 0x80)
        continue;
      int value = -1;
      gsize end = i;

      if (g_ascii_isdigit (s->text[i]) && sd_scan_boundary_before (s, i) && i + 1 <= s->len &&
          !(i > 0 && (s->text[i - 1] == '.' || s->text[i - 1] == ',' || s->text[i - 1] == '-')))
        {
          gsize n = sd_scan_digits_at (s, i);
          if (n <= 4)
            {
              value = atoi (s->text + i);
              end = i + n;
            }
        }
      else if (sd_scan_boundary_before (s, i))
        {
          for (guint k = 0; k < G_N_ELEMENTS (number_words); k++)
            if (sd_scan_lower_has_prefix (s, i, number_words[k]) &&
                !sd_scan_alnum_at (s, i + strlen (number_words[k])))
              {
                value = k + 2;
                end = i + strlen (number_words[k]);
                break;
              }
          if (value < 0 && sd_scan_lower_has_prefix (s, i, "a couple of "))
            {
              value = 2;
              end = i + strlen ("a couple");
            }
          if (value < 0 && sd_scan_lower_has_prefix (s, i, "a dozen"))
            {
              value = 12;
              end = i + strlen ("a dozen");
            }
        }
      else if (i > 0 && s->text[i - 1] == 'x' && g_ascii_isdigit (s->text[i]))
        continue;

      if (value < 0)
        {
          gsize zl;
          int zv = sd_entities_zh_number (s->text + i, &zl);
          if (zv < 0 && g_ascii_isdigit (s->text[i]))
            {
              zl = sd_scan_digits_at (s, i);
              zv = atoi (s->text + i);
            }
          if (zv > 0)
            for (guint k = 0; measure_zh[k]; k++)
              if (g_str_has_prefix (s->text + i + zl, measure_zh[k]))
                {
                  gsize e = i + zl + strlen (measure_zh[k]);
                  if (sd_scan_span_free (s, i, e) && !zh_time_at (s, e))
                    sd_scan_add (s, SD_ENTITY_QUANTITY, i, e, g_strdup_printf ("%d", zv), 0);
                  i = e - 1;
                  break;
                }
          continue;
        }

      if (value <= 0 || sd_scan_alnum_at (s, end))
        {
          if (g_ascii_isdigit (s->text[i]))
            {
              /* 3pcs, 2x */
              gsize e = end;
              for (guint k = 0; units[k]; k++)
                if (sd_scan_lower_has_prefix (s, e, units[k]) && !sd_scan_alnum_at (s, e + strlen (units[k])) && value > 0)
                  {
                    e += strlen (units[k]);
                    if (sd_scan_span_free (s, i, e))
                      sd_scan_add (s, SD_ENTITY_QUANTITY, i, e, g_strdup_printf ("%d", value), 0);
                    break;
                  }
              i = MAX (e, i + 1) - 1;
            }
          continue;
        }

      /* What follows decides: a unit, a Chinese measure word, or a noun that is not a
       * unit of time or measure. */
      gsize j = end;
      gsize span_end = end;
      gboolean ok = FALSE;
      if (j < s->len && s->text[j] == ' ')
        j++;
      for (guint k = 0; units[k] && !ok; k++)
        if (sd_scan_lower_has_prefix (s, j, units[k]) && !sd_scan_alnum_at (s, j + strlen (units[k])))
          {
            ok = TRUE;
            span_end = j + strlen (units[k]);
          }
      for (guint k = 0; measure_zh[k] && !ok; k++)
        if (g_str_has_prefix (s->text + j, measure_zh[k]))
          {
            span_end = j + strlen (measure_zh[k]);
            ok = !zh_time_at (s, span_end);
          }
      if (!ok && j > end && j < s->len && g_ascii_isalpha (s->text[j]))
        {
          ok = TRUE;
          for (guint k = 0; not_after[k]; k++)
            {
              gsize e = j + strlen (not_after[k]);
              if (sd_scan_lower_has_prefix (s, j, not_after[k]) &&
                  (!sd_scan_alnum_at (s, e) || (s->lower[e] == 's' && !sd_scan_alnum_at (s, e + 1))))
                ok = FALSE;
            }
        }
      if (ok && value < 10000 && sd_scan_span_free (s, i, span_end))
        sd_scan_add (s, SD_ENTITY_QUANTITY, i, span_end, g_strdup_printf ("%d", value), 0);
      i = MAX (span_end, i + 1) - 1;
    }
}
