/* sd-cli-chat-train.c — `shopdesk-cli chat-train` and `chat-eval`: the intent classifier
 * on any CSV or JSON data set */
#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include "sd-error.h"
#include "sd-intent-data.h"
#include "sd-intent-eval.h"
#include "sd-model-registry.h"
#include "sd-intent-model.h"
#include "sd-oos.h"
#include "sd-sentiment-data.h"
#include "sd-cli.h"

typedef struct {
  char     *train;
  char     *test;
  char     *valid;
  double    holdout;
  double    oos_target;
  char     *out;
  char     *text_column;
  char     *label_column;
  char     *oos_label;
  int       epochs;
  int       dim;
  double    lr;
  gint64    seed;
  int       models;
  int       word_ngrams;
  int       minn;
  int       maxn;
  double    min_count;   /* a whole number; read as a double so that 1e6 is taken too */
  double    smoothing;
  double    valid_fraction;
  gboolean  no_refit;
  gboolean  json;
} ChatOptions;

typedef struct {
  const SdIntentData   *data;
  const SdIntentParams *params;
  SdIntentModel        *model;
} TrainWork;

static gboolean
train_func (SdJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  TrainWork *work = data;
  work->model = sd_intent_model_train (work->data, work->params, job, cancellable, error);
  return work->model != NULL;
}

static void
progress_cb (SdJob      *job,
             GParamSpec *pspec,
             gpointer    user_data)
{
  sd_cli_progress (sd_job_get_fraction (job), sd_job_get_text (job));
}

static void
clear_options (ChatOptions *o)
{
  g_free (o->train);
  g_free (o->test);
  g_free (o->valid);
  g_free (o->out);
  g_free (o->text_column);
  g_free (o->label_column);
  g_free (o->oos_label);
}

static gboolean
parse_options (const char   *command,
               const char   *summary,
               gboolean      eval,
               ChatOptions  *o,
               int          *argc,
               char       ***argv)
{
  SdIntentParams defaults;
  GOptionEntry entries[] = {
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &o->train, N_("Training data: CSV with a header, JSON lines or a JSON array of objects"), "FILE" },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &o->test, N_("Test data, in any of the same formats"), "FILE" },
    { "holdout", 0, 0, G_OPTION_ARG_DOUBLE, &o->holdout, N_("Instead of --test: test on this stratified part of --train (seeded), trained on the rest"), "X" },
    { "valid", 0, 0, G_OPTION_ARG_FILENAME, &o->valid, N_("Tune the out-of-scope threshold on FILE (needs --oos-label) and print the trade-off curve"), "FILE" },
    { "oos-recall", 0, 0, G_OPTION_ARG_DOUBLE, &o->oos_target, N_("With --valid: the out-of-scope recall the threshold must reach there (default 0.6)"), "R" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, N_("Write the trained model to FILE (otherwise into the shop)"), "MODEL.bin" },
    { "text-column", 0, 0, G_OPTION_ARG_STRING, &o->text_column, N_("Column or member holding the text (default: text, else the first)"), "C" },
    { "label-column", 0, 0, G_OPTION_ARG_STRING, &o->label_column, N_("Column or member holding the label (default: category, label, intent or domain)"), "C" },
    { "oos-label", 0, 0, G_OPTION_ARG_STRING, &o->oos_label, N_("The label of out-of-scope examples"), "L" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, N_("Passes over the data (default: by data size)"), "N" },
    { "dim", 0, 0, G_OPTION_ARG_INT, &o->dim, N_("Embedding size"), "D" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, N_("Initial learning rate"), "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, N_("Random seed (same seed, same model)"), "S" },
    { "models", 0, 0, G_OPTION_ARG_INT, &o->models, N_("Ensemble size"), "N" },
    { "word-ngrams", 0, 0, G_OPTION_ARG_INT, &o->word_ngrams, N_("Longest word n-gram"), "N" },
    { "minn", 0, 0, G_OPTION_ARG_INT, &o->minn, N_("Shortest character n-gram (0 with --maxn 0: none)"), "N" },
    { "maxn", 0, 0, G_OPTION_ARG_INT, &o->maxn, N_("Longest character n-gram"), "N" },
    { "min-count", 0, 0, G_OPTION_ARG_DOUBLE, &o->min_count, N_("Drop features seen fewer times"), "N" },
    { "label-smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &o->smoothing, N_("Label smoothing (0–0.5)"), "X" },
    { "valid-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o->valid_fraction, N_("Part of the training data held out for calibration"), "X" },
    { "no-refit", 0, 0, G_OPTION_ARG_NONE, &o->no_refit, N_("Keep the model trained without the held-out part"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  sd_intent_params_init (&defaults);
  memset (o, 0, sizeof *o);
  o->epochs = defaults.epochs;
  o->dim = defaults.dim;
  o->lr = defaults.lr;
  o->seed = defaults.seed;
  o->models = defaults.n_models;
  o->word_ngrams = defaults.word_ngrams;
  o->minn = defaults.char_min;
  o->maxn = defaults.char_max;
  o->min_count = defaults.min_count;
  o->smoothing = defaults.label_smoothing;
  o->valid_fraction = defaults.validation_fraction;
  o->oos_target = SD_OOS_TARGET_RECALL;

  if (!eval)   /* chat-train has no test set: drop --test to --oos-recall (the array ends in NULLs) */
    memmove (&entries[1], &entries[5], sizeof entries - 5 * sizeof entries[0]);
  if (!sd_cli_parse (command, summary, entries, argc, argv))
    return FALSE;
  if (*argc > 1)
    {
      fprintf (stderr, _("shopdesk-cli %s: unexpected argument “%s”\n"), command, (*argv)[1]);
      return FALSE;
    }
  if (o->train == NULL || (eval && (o->test == NULL) == (o->holdout == 0)))
    {
      fprintf (stderr, _("shopdesk-cli %s: %s\nRun “shopdesk-cli %s --help” for its options.\n"),
               command, eval ? _("--train and one of --test or --holdout are required") : _("--train is required"), command);
      return FALSE;
    }
  if (o->holdout < 0 || o->holdout >= 1 || o->oos_target <= 0 || o->oos_target > 1)
    {
      fprintf (stderr, _("shopdesk-cli %s: --holdout must be in [0, 1) and --oos-recall in (0, 1]\n"), command);
      return FALSE;
    }
  if (o->valid && o->oos_label == NULL)
    {
      fprintf (stderr, _("shopdesk-cli %s: --valid tunes the out-of-scope threshold: it needs --oos-label\n"), command);
      return FALSE;
    }
  if (o->epochs < 0 || o->dim < 1 || o->models < 1 || o->word_ngrams < 1 || o->minn < 0 ||
      o->maxn < 0 || o->min_count < 0 || o->seed < 0)
    {
      fprintf (stderr, _("shopdesk-cli %s: numbers must be positive\n"), command);
      return FALSE;
    }
  if (o->min_count != floor (o->min_count) || o->min_count > G_MAXINT)
    {
      fprintf (stderr, _("shopdesk-cli %s: --min-count must be a whole number up to %d, got %g\n"),
               command, G_MAXINT, o->min_count);
      return FALSE;
    }
  return TRUE;
}

static void
to_params (const ChatOptions *o,
           SdIntentParams    *params)
{
  sd_intent_params_init (params);
  params->epochs = o->epochs;
  params->dim = o->dim;
  params->lr = o->lr;
  params->seed = o->seed;
  params->n_models = o->models;
  params->word_ngrams = o->word_ngrams;
  params->char_min = o->minn;
  params->char_max = o->maxn;
  params->min_count = (guint) o->min_count;
  params->label_smoothing = o->smoothing;
  params->validation_fraction = o->valid_fraction;
  params->refit = !o->no_refit;
  params->oos_label = o->oos_label;
}

static gint64
peak_rss_bytes (void)
{
  struct rusage usage;
  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (gint64) usage.ru_maxrss * 1024;   /* Linux reports KiB */
}

/* Loads and trains; prints the per-epoch losses unless @quiet. */
static SdIntentModel *
load_and_train (const char         *command,
                const ChatOptions  *o,
                SdIntentData       *given,
                SdIntentData      **train_out,
                double             *seconds,
                gint64             *job_points,
                SdJob             **job_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) train = NULL;
  g_autoptr(SdJob) job = NULL;
  SdIntentParams params;
  TrainWork work = { NULL };
  gint64 start;

  train = given ? given : sd_intent_data_load (o->train, o->text_column, o->label_column, &error);
  if (train == NULL)
    {
      sd_cli_print_error (command, error);
      return NULL;
    }
  if (o->oos_label && !g_ptr_array_find_with_equal_func (train->labels, o->oos_label, g_str_equal, NULL))
    fprintf (stderr, _("shopdesk-cli %s: warning: no training example has the out-of-scope label “%s”\n"),
             command, o->oos_label);

  to_params (o, &params);
  work.data = train;
  work.params = &params;
  job = sd_job_new (_("Training the intent classifier"), train_func, &work, NULL);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (progress_cb), NULL);

  start = g_get_monotonic_time ();
  if (!sd_job_run_sync (job, &error))
    {
      sd_cli_progress_done ();
      sd_cli_print_error (command, error);
      return NULL;
    }
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  sd_cli_progress_done ();
  if (sd_intent_model_get_n_features (work.model) == 0)
    {
      /* A model without features gives every text the same answer: its scores would
       * only look like results. */
      fprintf (stderr, _("shopdesk-cli %s: no word or character n-gram occurs %.0f times or more in the "
               "training data (--min-count), so the model would know nothing\n"), command, o->min_count);
      g_object_unref (work.model);
      return NULL;
    }
  *job_points = sd_job_get_points (job)->len;
  *train_out = g_steal_pointer (&train);
  *job_out = g_steal_pointer (&job);
  return work.model;
}

static void
print_losses (SdJob *job,
              FILE  *out)
{
  GArray *points = sd_job_get_points (job);
  gboolean first = TRUE;

  for (guint i = 0; i < points->len; i++)
    {
      SdMetricPoint *p = &g_array_index (points, SdMetricPoint, i);
      if (strcmp (p->name, "loss") != 0)
        continue;
      fprintf (out, "%s%.4f", first ? "" : ", ", p->value);
      first = FALSE;
    }
}

/* The per-epoch losses as a JSON array, under @key. */
static void
write_losses (SdJsonWriter *w,
              SdJob        *job)
{
  GArray *points = sd_job_get_points (job);

  sd_json_writer_key (w, "loss");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < points->len; i++)
    {
      SdMetricPoint *p = &g_array_index (points, SdMetricPoint, i);
      if (strcmp (p->name, "loss") == 0)
        sd_json_writer_fixed (w, p->value, 4);
    }
  sd_json_writer_end_array (w);
}

/* The trade-off curve's thresholds: 0, 0.05, …, 0.95, then the tuned one (@tuned_threshold). */
#define N_CURVE 20
static double tuned_threshold;

static double
curve_threshold (guint k)
{
  return k < N_CURVE ? k * 0.05 : tuned_threshold;
}

int
sd_cli_chat_eval (SdCliGlobal  *global,
                  int           argc,
                  char        **argv)
{
  ChatOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) train = NULL;
  g_autoptr(SdIntentData) test = NULL;
  g_autoptr(SdIntentData) kept = NULL;
  g_autoptr(SdIntentData) valid = NULL;
  g_autoptr(GArray) cases = NULL;
  SdOosPoint valid_point = { 0 };
  double tuned = 0;
  g_autoptr(SdIntentModel) model = NULL;
  g_autoptr(SdIntentEval) eval = NULL;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GBytes) blob = NULL;
  double seconds = 0, nll_before, nll_after, valid_acc, predict_seconds;
  gint64 n_points = 0, start;
  int status = SD_EXIT_FAILED;

  if (!parse_options ("chat-eval", _("train a text classifier and evaluate it on test data"),
                      TRUE, &o, &argc, &argv))
    {
      clear_options (&o);
      return SD_EXIT_USAGE;
    }

  if (o.holdout > 0)
    {
      g_autoptr(SdIntentData) all = sd_intent_data_load (o.train, o.text_column, o.label_column, &error);
      if (all == NULL)
        {
          sd_cli_print_error ("chat-eval", error);
          goto out;
        }
      sd_intent_data_split (all, o.holdout, (guint64) o.seed, &kept, &test);
    }
  else if (!(test = sd_intent_data_load (o.test, o.text_column, o.label_column, &error)))
    {
      sd_cli_print_error ("chat-eval", error);
      goto out;
    }
  if (o.valid && !(valid = sd_intent_data_load (o.valid, o.text_column, o.label_column, &error)))
    {
      sd_cli_print_error ("chat-eval", error);
      goto out;
    }
  model = load_and_train ("chat-eval", &o, g_steal_pointer (&kept), &train, &seconds, &n_points, &job);
  if (model == NULL)
    goto out;
  if (valid)
    {
      g_autoptr(GArray) vcases = sd_intent_eval_oos_cases (model, valid);
      if (vcases == NULL)
        {
          fprintf (stderr, _("shopdesk-cli chat-eval: no training example has the out-of-scope label “%s”, "
                   "so there is no threshold to tune\n"), o.oos_label);
          goto out;
        }
      tuned = sd_oos_choose_threshold ((SdOosCase *) vcases->data, vcases->len, o.oos_target);
      sd_oos_at ((SdOosCase *) vcases->data, vcases->len, tuned, &valid_point);
      sd_intent_model_set_threshold (model, tuned);
      tuned_threshold = tuned;
      cases = sd_intent_eval_oos_cases (model, test);
    }
  blob = sd_intent_model_save (model);

  start = g_get_monotonic_time ();
  eval = sd_intent_eval_run (model, test, 10);
  predict_seconds = (g_get_monotonic_time () - start) / 1e6;
  sd_intent_model_get_validation (model, &nll_before, &nll_after, &valid_acc);

  if (o.json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "train", o.train);
      if (o.test)
        sd_json_writer_member_string (w, "test", o.test);
      else
        sd_json_writer_member_fixed (w, "holdout", o.holdout, 4);
      sd_json_writer_member_int (w, "n_train", sd_intent_data_get_size (train));
      sd_json_writer_member_int (w, "n_test", eval->n);
      sd_json_writer_member_int (w, "n_labels", sd_intent_model_get_n_labels (model));
      sd_json_writer_member_fixed (w, "accuracy", eval->accuracy, 4);
      sd_json_writer_member_fixed (w, "macro_f1", eval->macro_f1, 4);
      if (o.oos_label)
        {
          sd_json_writer_member_fixed (w, "oos_recall", eval->oos_recall, 4);
          sd_json_writer_member_fixed (w, "oos_precision", eval->oos_precision, 4);
          sd_json_writer_member_fixed (w, "in_scope_accuracy", eval->in_scope_accuracy, 4);
        }
      sd_json_writer_member_fixed (w, "train_seconds", seconds, 3);
      sd_json_writer_member_fixed (w, "predict_ms_per_text", eval->n ? predict_seconds * 1000.0 / eval->n : 0.0, 4);
      sd_json_writer_member_int (w, "model_bytes", g_bytes_get_size (blob));
      sd_json_writer_member_int (w, "peak_rss_bytes", peak_rss_bytes ());
      sd_json_writer_member_int (w, "features", sd_intent_model_get_n_features (model));
      sd_json_writer_member_fixed (w, "temperature", sd_intent_model_get_temperature (model), 4);
      sd_json_writer_member_fixed (w, "threshold", sd_intent_model_get_threshold (model), 4);
      sd_json_writer_member_fixed (w, "valid_accuracy", valid_acc, 4);
      sd_json_writer_member_fixed (w, "valid_nll_before", nll_before, 4);
      sd_json_writer_member_fixed (w, "valid_nll_after", nll_after, 4);
      sd_json_writer_member_int (w, "unknown_test_labels", eval->unknown_labels);
      if (cases)
        {
          sd_json_writer_member_string (w, "valid", o.valid);
          sd_json_writer_member_fixed (w, "valid_oos_recall_target", o.oos_target, 4);
          sd_json_writer_member_fixed (w, "valid_in_scope_accuracy", valid_point.in_scope_accuracy, 4);
          sd_json_writer_member_fixed (w, "valid_oos_recall", valid_point.oos_recall, 4);
          sd_json_writer_key (w, "curve");
          sd_json_writer_begin_array (w);
          for (guint k = 0; k <= N_CURVE; k++)
            {
              SdOosPoint p;
              sd_oos_at ((SdOosCase *) cases->data, cases->len, curve_threshold (k), &p);
              sd_json_writer_begin_object (w);
              sd_json_writer_member_fixed (w, "threshold", p.threshold, 4);
              sd_json_writer_member_fixed (w, "in_scope_accuracy", p.in_scope_accuracy, 4);
              sd_json_writer_member_fixed (w, "oos_recall", p.oos_recall, 4);
              sd_json_writer_end_object (w);
            }
          sd_json_writer_end_array (w);
        }
      write_losses (w, job);
      sd_json_writer_key (w, "confusions");
      sd_json_writer_begin_array (w);
      for (guint i = 0; i < eval->confusions->len; i++)
        {
          SdIntentConfusion *c = &g_array_index (eval->confusions, SdIntentConfusion, i);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_string (w, "true", c->truth);
          sd_json_writer_member_string (w, "predicted", c->predicted);
          sd_json_writer_member_int (w, "count", c->count);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      printf (_("Trained on %u examples of %u labels in %.2f s (%u features, model %.1f MB)\n"),
              sd_intent_data_get_size (train), sd_intent_model_get_n_labels (model), seconds,
              sd_intent_model_get_n_features (model), g_bytes_get_size (blob) / 1e6);
      printf (_("Loss per epoch: "));
      print_losses (job, stdout);
      printf (_("\nValidation: accuracy %.4f, NLL %.4f → %.4f after calibration (T = %.3f), "
              "out-of-scope below %.3f\n"), valid_acc, nll_before, nll_after,
              sd_intent_model_get_temperature (model), sd_intent_model_get_threshold (model));
      printf (_("\nTest (%u examples)\n"), eval->n);
      printf (_("  accuracy     %.4f\n"), eval->accuracy);
      printf (_("  macro-F1     %.4f\n"), eval->macro_f1);
      if (o.oos_label)
        printf (_("  out-of-scope recall %.4f, precision %.4f; in-scope accuracy %.4f\n"),
                eval->oos_recall, eval->oos_precision, eval->in_scope_accuracy);
      if (eval->unknown_labels)
        printf (_("  %u test examples have labels absent from training\n"), eval->unknown_labels);
      if (cases)
        {
          printf (_("\nOut-of-scope threshold %.4f, tuned on %s (the lowest reaching out-of-scope recall "
                  "%.2f there: in-scope accuracy %.4f, recall %.4f)\n"), tuned, o.valid, o.oos_target,
                  valid_point.in_scope_accuracy, valid_point.oos_recall);
          printf (_("Trade-off on the test data\n  %9s %10s %10s\n"), _("threshold"), _("in-scope"), _("oos recall"));
          for (guint k = 0; k <= N_CURVE; k++)
            {
              SdOosPoint p;
              sd_oos_at ((SdOosCase *) cases->data, cases->len, curve_threshold (k), &p);
              printf ("  %9.3f %10.4f %10.4f%s\n", p.threshold, p.in_scope_accuracy, p.oos_recall,
                      k == N_CURVE ? "   (tuned)" : "");
            }
        }
      printf (_("  peak memory  %.1f MB\n"), peak_rss_bytes () / 1e6);
      if (eval->confusions->len)
        printf (_("\nCostliest confusions (true → predicted)\n"));
      for (guint i = 0; i < eval->confusions->len; i++)
        {
          SdIntentConfusion *c = &g_array_index (eval->confusions, SdIntentConfusion, i);
          g_autofree char *truth = sd_cli_printable (c->truth);
          g_autofree char *predicted = sd_cli_printable (c->predicted);
          printf ("  %4u  %s → %s\n", c->count, truth, predicted);
        }
    }
  status = SD_EXIT_OK;

out:
  clear_options (&o);
  return status;
}

int
sd_cli_chat_train (SdCliGlobal  *global,
                   int           argc,
                   char        **argv)
{
  ChatOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) train = NULL;
  g_autoptr(SdIntentModel) model = NULL;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(SdStore) store = NULL;
  double seconds = 0, nll_before, nll_after, valid_acc;
  gint64 n_points = 0, model_id = 0;
  int status = SD_EXIT_FAILED;

  if (!parse_options ("chat-train", _("train a text classifier and save it"), FALSE, &o, &argc, &argv))
    {
      clear_options (&o);
      return SD_EXIT_USAGE;
    }

  model = load_and_train ("chat-train", &o, NULL, &train, &seconds, &n_points, &job);
  if (model == NULL)
    goto out;
  blob = sd_intent_model_save (model);
  sd_intent_model_get_validation (model, &nll_before, &nll_after, &valid_acc);

  if (o.out)
    {
      if (!sd_cli_save_file (o.out, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &error))
        {
          sd_cli_print_error ("chat-train", error);
          goto out;
        }
    }
  else
    {
      g_autofree char *name = g_path_get_basename (o.train);
      g_autoptr(SdJsonWriter) mw = sd_json_writer_new ();
      g_autofree char *metrics = NULL;

      sd_json_writer_begin_object (mw);
      sd_json_writer_member_fixed (mw, "valid_accuracy", valid_acc, 4);
      sd_json_writer_member_fixed (mw, "train_seconds", seconds, 3);
      sd_json_writer_end_object (mw);
      metrics = sd_json_writer_finish (g_steal_pointer (&mw));

      if (!(store = sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)))
        goto out;
      if ((model_id = sd_model_registry_store (store, "intent", name, metrics, blob, &error)) < 0)
        {
          sd_cli_print_error ("chat-train", error);
          goto out;
        }
    }

  if (o.json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "n_train", sd_intent_data_get_size (train));
      sd_json_writer_member_int (w, "n_labels", sd_intent_model_get_n_labels (model));
      sd_json_writer_member_fixed (w, "train_seconds", seconds, 3);
      sd_json_writer_member_int (w, "model_bytes", g_bytes_get_size (blob));
      sd_json_writer_member_int (w, "peak_rss_bytes", peak_rss_bytes ());
      sd_json_writer_member_fixed (w, "valid_accuracy", valid_acc, 4);
      sd_json_writer_member_fixed (w, "temperature", sd_intent_model_get_temperature (model), 4);
      sd_json_writer_member_fixed (w, "threshold", sd_intent_model_get_threshold (model), 4);
      if (o.out)
        sd_json_writer_member_string (w, "out", o.out);
      else
        sd_json_writer_member_int (w, "model_id", model_id);
      write_losses (w, job);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      printf (_("Trained on %u examples of %u labels in %.2f s; validation accuracy %.4f\n"),
              sd_intent_data_get_size (train), sd_intent_model_get_n_labels (model), seconds, valid_acc);
      printf (_("Loss per epoch: "));
      print_losses (job, stdout);
      if (o.out)
        printf (_("\nSaved to %s (%.1f MB)\n"), o.out, g_bytes_get_size (blob) / 1e6);
      else
        printf (_("\nSaved in the shop as model %" PRId64 " (%.1f MB)\n"), model_id,
                g_bytes_get_size (blob) / 1e6);
    }
  status = SD_EXIT_OK;

out:
  clear_options (&o);
  return status;
}

/* `sentiment-train`: the model data/chat-corpus/sentiment.bin holds, and its figures on
 * the test parts (which it never saw), measured on the saved (quantised) model. */
int
sd_cli_sentiment_train (SdCliGlobal  *global,
                        int           argc,
                        char        **argv)
{
  g_autofree char *amazon = NULL, *chinese = NULL, *out = NULL;
  int bits = 18;
  double recall = 0.85;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "amazon", 0, 0, G_OPTION_ARG_FILENAME, &amazon, N_("Amazon review JSON lines (reviews_Musical_Instruments_5.json.gz)"), "FILE" },
    { "chinese", 0, 0, G_OPTION_ARG_FILENAME, &chinese, N_("Chinese reviews CSV (online_shopping_10_cats.csv)"), "FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the model to FILE"), "FILE" },
    { "bits", 0, 0, G_OPTION_ARG_INT, &bits, N_("Hash buckets: 2^N (10–24, default 18)"), "N" },
    { "recall", 0, 0, G_OPTION_ARG_DOUBLE, &recall, N_("Negative recall the threshold keeps on validation (default 0.85)"), "X" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!sd_cli_parse ("sentiment-train", _("train the shipped sentiment model and score it on held-out reviews"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1 || amazon == NULL || chinese == NULL || bits < 10 || bits > 24 || !(recall > 0 && recall <= 1))
    {
      fprintf (stderr, _("shopdesk-cli sentiment-train: --amazon and --chinese are required; "
               "--bits is 10–24 and --recall in (0, 1]\n"));
      return SD_EXIT_USAGE;
    }

  gint64 start = g_get_monotonic_time ();
  g_autoptr(SdSentiment) trained = sd_sentiment_train_shipped (amazon, chinese, bits, recall, NULL, &error);
  if (trained == NULL)
    {
      sd_cli_print_error ("sentiment-train", error);
      return SD_EXIT_FAILED;
    }
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_autoptr(GBytes) blob = sd_sentiment_save (trained);
  g_autoptr(SdSentiment) model = sd_sentiment_load (blob, &error);
  if (model == NULL || (out && !sd_cli_save_file (out, g_bytes_get_data (blob, NULL),
                                                  g_bytes_get_size (blob), &error)))
    {
      sd_cli_print_error ("sentiment-train", error);
      return SD_EXIT_FAILED;
    }

  static const char *const names[] = { "en", "zh_CN" };
  SdSentimentScore scores[2];
  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(SdSentimentSet) test = sd_sentiment_review_set (s ? NULL : amazon, s ? chinese : NULL,
                                                                SD_SENTIMENT_PART_TEST, &error);
      if (test == NULL)
        {
          sd_cli_print_error ("sentiment-train", error);
          return SD_EXIT_FAILED;
        }
      sd_sentiment_score (model, test, &scores[s]);
    }

  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_fixed (w, "train_seconds", seconds, 3);
      sd_json_writer_member_int (w, "model_bytes", g_bytes_get_size (blob));
      for (guint s = 0; s < 2; s++)
        {
          double a, b, t;
          sd_sentiment_get_calibration (model, s, &a, &b, &t);
          sd_json_writer_key (w, names[s]);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "n", scores[s].n);
          sd_json_writer_member_int (w, "n_negative", scores[s].n_negative);
          sd_json_writer_member_fixed (w, "negative_recall", scores[s].recall, 4);
          sd_json_writer_member_fixed (w, "negative_precision", scores[s].precision, 4);
          sd_json_writer_member_fixed (w, "pr_auc", scores[s].pr_auc, 4);
          sd_json_writer_member_fixed (w, "accuracy", scores[s].accuracy, 4);
          sd_json_writer_member_fixed (w, "threshold", t, 4);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      printf (_("Trained in %.1f s; model %.0f kB%s%s\n"), seconds, g_bytes_get_size (blob) / 1e3,
              out ? _(", saved to ") : "", out ? out : "");
      printf (_("Held-out test part (never trained on; English balanced, 3-star reviews excluded):\n"));
      printf ("  %-6s %6s %6s %8s %10s %7s %9s\n", "lang", "n", "neg", "recall", "precision", "PR-AUC", "threshold");
      for (guint s = 0; s < 2; s++)
        {
          double t;
          sd_sentiment_get_calibration (model, s, NULL, NULL, &t);
          printf ("  %-6s %6u %6u %8.3f %10.3f %7.3f %9.3f\n", names[s], scores[s].n, scores[s].n_negative,
                  scores[s].recall, scores[s].precision, scores[s].pr_auc, t);
        }
    }
  return SD_EXIT_OK;
}
