/* sd-intent-eval.c — how well a text classifier does on labelled test data */
#include "config.h"

#include <string.h>

#include "sd-intent-eval.h"

static void
clear_confusion (gpointer data)
{
  SdIntentConfusion *c = data;
  g_free (c->truth);
  g_free (c->predicted);
}

void
sd_intent_eval_free (SdIntentEval *eval)
{
  if (eval == NULL)
    return;
  g_clear_pointer (&eval->confusions, g_array_unref);
  g_free (eval);
}

static int
compare_confusions (gconstpointer a,
                    gconstpointer b)
{
  const SdIntentConfusion *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (strcmp (x->truth, y->truth) != 0)
    return strcmp (x->truth, y->truth);
  return strcmp (x->predicted, y->predicted);
}

SdIntentEval *
sd_intent_eval_run (SdIntentModel      *model,
                    const SdIntentData *test,
                    guint               max_confusions)
{
  SdIntentEval *eval = g_new0 (SdIntentEval, 1);
  guint n_model = sd_intent_model_get_n_labels (model);
  int oos = sd_intent_model_get_oos_label (model);
  /* Test labels the model does not know get indices after the model's. */
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GHashTable) pairs = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *pair_keys = NULL;
  g_autofree guint *tp = NULL, *fp = NULL, *fn = NULL;
  guint correct = 0, oos_total = 0, oos_hit = 0, oos_claimed = 0, in_total = 0, in_correct = 0;
  guint n_classes = 0;
  double f1_sum = 0.0;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n_model; i++)
    {
      g_ptr_array_add (names, (gpointer) sd_intent_model_get_label (model, i));
      g_hash_table_insert (index, names->pdata[i], GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < test->labels->len; i++)
    if (!g_hash_table_contains (index, test->labels->pdata[i]))
      {
        g_ptr_array_add (names, test->labels->pdata[i]);
        g_hash_table_insert (index, test->labels->pdata[i], GUINT_TO_POINTER (names->len));
      }

  tp = g_new0 (guint, names->len);
  fp = g_new0 (guint, names->len);
  fn = g_new0 (guint, names->len);
  pair_keys = g_new (gint64, MAX (test->texts->len, 1));

  eval->n = test->texts->len;
  for (guint i = 0; i < test->texts->len; i++)
    {
      SdIntentPrediction pred;
      int truth = GPOINTER_TO_UINT (g_hash_table_lookup (index, test->labels->pdata[i])) - 1;
      int got;

      sd_intent_model_predict (model, test->texts->pdata[i], &pred);
      got = oos >= 0 && pred.out_of_scope ? oos : pred.label;
      if (truth >= (int) n_model)
        eval->unknown_labels++;

      if (oos >= 0)
        {
          oos_claimed += got == oos;
          if (truth == oos)
            {
              oos_total++;
              oos_hit += got == oos;
            }
          else
            {
              in_total++;
              in_correct += got == truth;
            }
        }

      if (got == truth)
        {
          correct++;
          tp[truth]++;
        }
      else
        {
          guint *count;
          fp[got]++;
          fn[truth]++;
          pair_keys[i] = (gint64) truth << 32 | (guint) got;
          count = g_hash_table_lookup (pairs, &pair_keys[i]);
          g_hash_table_insert (pairs, &pair_keys[i], GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
        }
    }

  for (guint c = 0; c < names->len; c++)
    if (tp[c] + fp[c] + fn[c] > 0)
      {
        n_classes++;
        f1_sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
      }

  eval->accuracy = eval->n ? (double) correct / eval->n : 0.0;
  eval->macro_f1 = n_classes ? f1_sum / n_classes : 0.0;
  eval->has_oos = oos >= 0 && oos_total > 0;
  eval->oos_recall = oos_total ? (double) oos_hit / oos_total : 0.0;
  eval->oos_precision = oos_claimed ? (double) oos_hit / oos_claimed : 0.0;
  eval->in_scope_accuracy = in_total ? (double) in_correct / in_total : eval->accuracy;

  eval->confusions = g_array_new (FALSE, FALSE, sizeof (SdIntentConfusion));
  g_array_set_clear_func (eval->confusions, clear_confusion);
  g_hash_table_iter_init (&iter, pairs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 k = *(gint64 *) key;
      SdIntentConfusion c;
      c.truth = g_strdup (names->pdata[k >> 32]);
      c.predicted = g_strdup (names->pdata[k & 0xFFFFFFFF]);
      c.count = GPOINTER_TO_UINT (value);
      g_array_append_val (eval->confusions, c);
    }
  g_array_sort (eval->confusions, compare_confusions);
  if (eval->confusions->len > max_confusions)
    g_array_set_size (eval->confusions, max_confusions);
  return eval;
}

GArray *
sd_intent_eval_oos_cases (SdIntentModel      *model,
                          const SdIntentData *data)
{
  int oos = sd_intent_model_get_oos_label (model);
  if (oos < 0)
    return NULL;
  const char *oos_name = sd_intent_model_get_label (model, oos);
  GArray *cases = g_array_sized_new (FALSE, FALSE, sizeof (SdOosCase), data->texts->len);
  for (guint i = 0; i < data->texts->len; i++)
    {
      SdIntentPrediction pred;
      SdOosCase c;
      sd_intent_model_predict (model, data->texts->pdata[i], &pred);
      c.confidence = pred.confidence;
      c.is_oos = strcmp (data->labels->pdata[i], oos_name) == 0;
      c.predicted_oos = pred.label == oos;
      c.correct = strcmp (data->labels->pdata[i], pred.name) == 0;
      g_array_append_val (cases, c);
    }
  return cases;
}
