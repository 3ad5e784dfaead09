/* sd-oos.c — the out-of-scope threshold rule */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sd-oos.h"

void
sd_oos_at (const SdOosCase *cases,
           guint            n,
           double           threshold,
           SdOosPoint      *point)
{
  guint in = 0, in_right = 0, oos = 0, oos_hit = 0;
  for (guint i = 0; i < n; i++)
    {
      gboolean rejected = cases[i].predicted_oos || cases[i].confidence < threshold;
      if (cases[i].is_oos)
        {
          oos++;
          oos_hit += rejected;
        }
      else
        {
          in++;
          in_right += !rejected && cases[i].correct;
        }
    }
  point->threshold = threshold;
  point->in_scope_accuracy = in ? (double) in_right / in : 0;
  point->oos_recall = oos ? (double) oos_hit / oos : 0;
}

static int
by_confidence (const void *a, const void *b)
{
  double x = ((const SdOosCase *) a)->confidence, y = ((const SdOosCase *) b)->confidence;
  return x < y ? -1 : x > y;
}

double
sd_oos_choose_threshold (const SdOosCase *cases,
                         guint            n,
                         double           target_recall)
{
  g_autofree SdOosCase *sorted = g_memdup2 (cases, sizeof *cases * MAX (n, 1));
  guint oos = 0, hit = 0;

  for (guint i = 0; i < n; i++)
    {
      oos += cases[i].is_oos;
      hit += cases[i].is_oos && cases[i].predicted_oos;
    }
  if (oos == 0 || (double) hit / oos >= target_recall)
    return 0;
  qsort (sorted, n, sizeof *sorted, by_confidence);
  /* Raise the threshold past one confidence at a time (ties together) until enough
   * out-of-scope texts fall below it; the threshold sits halfway to the next one. */
  for (guint i = 0; i < n; i++)
    {
      hit += sorted[i].is_oos && !sorted[i].predicted_oos;
      if (i + 1 < n && sorted[i + 1].confidence == sorted[i].confidence)
        continue;
      if ((double) hit / oos >= target_recall)
        return i + 1 < n ? (sorted[i].confidence + sorted[i + 1].confidence) / 2
                         : sorted[i].confidence + 1e-9;
    }
  return 0;
}
