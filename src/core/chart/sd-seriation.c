/* sd-seriation.c — average-linkage leaf order for heatmaps */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-seriation.h"

static void
reverse (guint *v,
         gsize  n)
{
  for (gsize i = 0, j = n ? n - 1 : 0; i < j; i++, j--)
    {
      guint t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
}

void
sd_seriation_order (const double *sim,
                    gsize         n,
                    guint        *order)
{
  g_autofree double *s = NULL;
  g_autofree gboolean *active = NULL;
  g_autofree GArray **members = NULL;
  double lowest = INFINITY;
  gsize root = 0;

  g_return_if_fail (n == 0 || (sim != NULL && order != NULL));
  if (n == 0)
    return;

  for (gsize i = 0; i < n * n; i++)
    if (isfinite (sim[i]))
      lowest = MIN (lowest, sim[i]);
  if (!isfinite (lowest))
    lowest = 0;

  /* s[a*n+b]: average similarity between clusters a and b (Lance–Williams keeps it exact). */
  s = g_new (double, n * n);
  for (gsize i = 0; i < n * n; i++)
    s[i] = isfinite (sim[i]) ? sim[i] : lowest - 1;
  active = g_new (gboolean, n);
  members = g_new (GArray *, n);
  for (gsize i = 0; i < n; i++)
    {
      guint idx = (guint) i;

      active[i] = TRUE;
      members[i] = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (members[i], idx);
    }

  for (gsize step = 0; step + 1 < n; step++)
    {
      gsize a = 0, b = 0;
      double best = -INFINITY;
      GArray *ma, *mb;
      guint *va, *vb;
      guint la, lb;
      double na, nb, o_ab, o_abr, o_arb, o_ba;

      for (gsize i = 0; i < n; i++)
        if (active[i])
          for (gsize j = i + 1; j < n; j++)
            if (active[j] && (s[i * n + j] > best || a == b))
              {
                best = s[i * n + j];
                a = i;
                b = j;
              }

      ma = members[a];
      mb = members[b];
      va = (guint *) ma->data;
      vb = (guint *) mb->data;
      la = ma->len;
      lb = mb->len;

      /* Orient the two leaf runs so the most similar ends touch. */
      o_ab = sim[va[la - 1] * n + vb[0]];
      o_abr = sim[va[la - 1] * n + vb[lb - 1]];
      o_arb = sim[va[0] * n + vb[0]];
      o_ba = sim[vb[lb - 1] * n + va[0]];
      if (!isfinite (o_ab)) o_ab = -INFINITY;
      if (!isfinite (o_abr)) o_abr = -INFINITY;
      if (!isfinite (o_arb)) o_arb = -INFINITY;
      if (!isfinite (o_ba)) o_ba = -INFINITY;

      if (o_abr > o_ab && o_abr >= o_arb && o_abr >= o_ba)
        reverse (vb, lb);
      else if (o_arb > o_ab && o_arb >= o_ba)
        reverse (va, la);
      else if (o_ba > o_ab)
        {
          /* B then A: prepend by building B+A in B and swapping. */
          g_array_append_vals (mb, ma->data, la);
          members[a] = mb;
          members[b] = ma;
          ma = members[a];
          mb = members[b];
          g_array_set_size (mb, 0);
        }
      if (mb->len > 0)
        g_array_append_vals (ma, mb->data, mb->len);

      na = la;
      nb = lb;
      for (gsize k = 0; k < n; k++)
        if (active[k] && k != a && k != b)
          {
            double v = (na * s[a * n + k] + nb * s[b * n + k]) / (na + nb);
            s[a * n + k] = v;
            s[k * n + a] = v;
          }
      active[b] = FALSE;
      g_array_unref (members[b]);
      members[b] = NULL;
      root = a;
    }

  memcpy (order, members[root]->data, n * sizeof (guint));
  g_array_unref (members[root]);
}

double
sd_seriation_adjacent_score (const double *sim,
                             gsize         n,
                             const guint  *order)
{
  double total = 0;

  for (gsize k = 0; k + 1 < n; k++)
    {
      double v = sim[order[k] * n + order[k + 1]];

      if (isfinite (v))
        total += v;
    }
  return total;
}
