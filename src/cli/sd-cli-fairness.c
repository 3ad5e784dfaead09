/* sd-cli-fairness.c — `shopdesk-cli fairness`: quality per customer group, exposure of
 * items and popularity bias, before and after a re-ranking; `fairness save` keeps a
 * re-ranking with the live model */
#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "sd-cli.h"
#include "sd-dp-report.h"
#include "sd-error.h"
#include "sd-fairness.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-number-format.h"

/* NAME=FILE: a CSV of "external id,label" lines, or MovieLens' u.user (id|age|gender|
 * occupation|zip) for NAME gender, age or occupation, its users being customers "ml-<id>". */
static gboolean
read_groups (const char  *arg,
             GHashTable  *groups,
             GError     **error)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *labels;
  int field = -1;

  if (!eq || eq == arg || !eq[1])
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("--groups takes NAME=FILE, not “%s”"), arg);
      return FALSE;
    }
  name = g_strndup (arg, eq - arg);
  if (!g_file_get_contents (eq + 1, &contents, NULL, error))
    return FALSE;
  if (strcmp (name, "age") == 0)
    field = 1;
  else if (strcmp (name, "gender") == 0)
    field = 2;
  else if (strcmp (name, "occupation") == 0)
    field = 3;
  labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (groups, g_strdup (name), labels);
  lines = g_strsplit (contents, "\n", -1);
  for (guint l = 0; lines[l]; l++)
    {
      g_auto(GStrv) f = NULL;
      g_strchomp (lines[l]);
      if (!*lines[l])
        continue;
      if (field > 0 && strchr (lines[l], '|'))
        {
          f = g_strsplit (lines[l], "|", -1);
          if (g_strv_length (f) > (guint) field)
            g_hash_table_insert (labels, g_strconcat ("ml-", f[0], NULL), g_strdup (f[field]));
          continue;
        }
      f = g_strsplit (lines[l], ",", 2);
      if (f[0] && f[1] && *f[0] && *f[1])
        g_hash_table_insert (labels, g_strdup (g_strstrip (f[0])), g_strdup (g_strstrip (f[1])));
    }
  if (g_hash_table_size (labels) == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("%s: no “customer,label” lines"), eq + 1);
      return FALSE;
    }
  return TRUE;
}

static void
print_figures (const char              *title,
               const SdFairnessFigures *f)
{
  g_autofree char *fresh = isnan (f->new_share) ? g_strdup (_("not dated")) : g_strdup_printf ("%.1f %%", 100 * f->new_share);
  g_autofree char *evaluated = sd_format_count (f->n_evaluated);

  printf (_("%s: NDCG@10 %.4f (95 %% interval %.4f–%.4f) over %s customers, Recall@20 %.4f\n"),
          title, f->ndcg, f->ndcg_lo, f->ndcg_hi, evaluated, f->recall);
  printf (_("  coverage %.1f %%, long tail %.1f %% of slots, new products %s, Gini %.3f\n"),
          100 * f->coverage, 100 * f->tail_share, fresh, f->gini);
  printf (_("  popularity of recommended items %.4f against %.4f of what customers have (×%.2f)\n"),
          f->rec_popularity, f->bought_popularity, f->popularity_lift);
  for (guint d = 0; d < f->dimensions->len; d++)
    {
      const SdFairnessDimension *dim = g_ptr_array_index (f->dimensions, d);
      printf (_("  by %s (best: %s, widest gap %.4f)\n"), dim->by, dim->best ? dim->best : "-", dim->max_gap);
      for (guint g = 0; g < dim->groups->len; g++)
        {
          const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
          g_autofree char *label = sd_cli_printable (grp->label);
          g_autofree char *column = sd_cli_pad (label, 24);
          /* A group under five customers has no interval (NAN): said in words, not "[nan, nan]". */
          g_autofree char *interval = isnan (grp->ndcg_lo) || isnan (grp->ndcg_hi)
                                      /* TRANSLATORS: in place of a 95 % interval, for a group too small for one */
                                      ? sd_cli_pad (_("(too few)"), 16)
                                      : g_strdup_printf ("[%.4f, %.4f]", grp->ndcg_lo, grp->ndcg_hi);

          /* Too small to rank: its gap (0 when it scores above the best) means nothing. */
          g_autofree char *gap = sd_fairness_group_standing (dim, grp) == SD_FAIRNESS_STANDING_TOO_FEW
                                 ? g_strdup ("-") : g_strdup_printf ("%.4f", grp->gap);

          g_autofree char *users = sd_format_count (grp->n_users);
          g_autofree char *users_col = sd_cli_column (users, -6);

          printf (_("    %s %s  NDCG@10 %.4f %s  gap %s\n"), column, users_col, grp->ndcg, interval, gap);
        }
    }
  if (f->categories->len == 0)
    {
      printf (_("  categories: the shop's products have none\n"));
      return;
    }
  printf (_("  categories (share of recommendations / of sales):\n"));
  for (guint c = 0; c < f->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (f->categories, c);
      g_autofree char *name = sd_cli_printable (cat->category);
      printf ("    %-24s %5.1f %% / %5.1f %%\n", name, 100 * cat->recommended, 100 * cat->sales);
    }
}

static int
fairness_save (SdStore    *store,
               gint64      model_id,
               const char *rerank)
{
  g_autoptr(GError) error = NULL;

  if (!rerank)
    {
      fprintf (stderr, _("shopdesk-cli fairness save: --rerank KIND=STRENGTH (or none) is needed\n"));
      return SD_EXIT_USAGE;
    }
  if (model_id == 0)
    {
      model_id = sd_model_store_live_recommender_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, &error);
      if (model_id <= 0)
        {
          if (!error)
            g_set_error (&error, SD_ERROR, SD_ERROR_NOT_FOUND,
                         _("No recommender is live; give --model ID or promote one first"));
          sd_cli_print_error ("fairness save", error);
          return SD_EXIT_FAILED;
        }
    }
  if (!sd_model_registry_set_rerank (store, model_id, rerank, NULL, &error))
    {
      sd_cli_print_error ("fairness save", error);
      return SD_EXIT_FAILED;
    }
  printf (_("Model %ld now serves with re-ranking %s\n"), (long) model_id, rerank);
  return SD_EXIT_OK;
}

int
sd_cli_fairness (SdCliGlobal  *global,
                 int           argc,
                 char        **argv)
{
  gint64 model_id = 0;
  g_autofree char *rerank = NULL;
  g_auto(GStrv) groups = NULL;
  gboolean json = FALSE, csv = FALSE, no_saved = FALSE;
  int max_users = 0, bootstrap = 0;
  gint64 seed = 1;
  g_auto(SdCliDp) dp = { NULL };
  SdDpOptions dp_options;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_INT64, &model_id, N_("A stored recommender (default: the live one, else the newest)"), "ID" },
    { "rerank", 0, 0, G_OPTION_ARG_STRING, &rerank, N_("Re-ranking to measure (or save): mmr, calibrate or exposure, strength 0 to 1"), "KIND=STRENGTH" },
    { "no-saved-rerank", 0, 0, G_OPTION_ARG_NONE, &no_saved, N_("Leave out the re-ranking saved with the model"), NULL },
    { "groups", 0, 0, G_OPTION_ARG_STRING_ARRAY, &groups, N_("More customer groups: a CSV of external id,label (or MovieLens u.user for gender, age, occupation)"), "NAME=FILE" },
    { "max-users", 0, 0, G_OPTION_ARG_INT, &max_users, N_("Serve at most N customers, evenly spaced (default: all)"), "N" },
    { "bootstrap", 0, 0, G_OPTION_ARG_INT, &bootstrap, N_("Bootstrap resamples for the intervals (default 200)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the bootstrap (default 1)"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "dp", 0, 0, G_OPTION_ARG_STRING, &dp.epsilon, N_("Release the report (JSON) with differential privacy, spending EPSILON in all"), "EPSILON" },
    { "dp-mechanism", 0, 0, G_OPTION_ARG_STRING, &dp.mechanism, N_("laplace (default) or gaussian noise"), "KIND" },
    { "dp-delta", 0, 0, G_OPTION_ARG_STRING, &dp.delta, N_("δ of gaussian noise (default 1e-6)"), "DELTA" },
    { "dp-threshold", 0, 0, G_OPTION_ARG_STRING, &dp.threshold, N_("Customers a group needs to be shown (default 20)"), "N" },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print one CSV row per group and category"), NULL },
    { NULL }
  };
  SdFairnessOptions options = { 0 };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdFairnessReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) extra = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  gboolean save = FALSE;

  if (!sd_cli_parse ("fairness", _("show | save: quality per customer group, exposure and popularity bias of a recommender, "
                     "before and after a re-ranking; save keeps the re-ranking with the live model"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 2 || (argc == 2 && strcmp (argv[1], "save") != 0 && strcmp (argv[1], "show") != 0))
    {
      fprintf (stderr, _("shopdesk-cli fairness: unexpected argument “%s”\n"), argv[argc - 1]);
      return SD_EXIT_USAGE;
    }
  save = argc == 2 && strcmp (argv[1], "save") == 0;
  if (rerank && !sd_rerank_spec_parse (rerank, &options.rerank, &error))
    {
      sd_cli_print_error ("fairness", error);
      return SD_EXIT_USAGE;
    }
  if (dp.epsilon && !sd_cli_dp_options ("fairness", &dp, &dp_options))
    return SD_EXIT_USAGE;
  if (max_users < 0 || bootstrap < 0 || bootstrap > 100000 || model_id < 0)
    {
      fprintf (stderr, _("shopdesk-cli fairness: --max-users, --bootstrap and --model are positive\n"));
      return SD_EXIT_USAGE;
    }
  if (save)
    {
      if (!(store = sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)))
        return SD_EXIT_FAILED;
      return fairness_save (store, model_id, rerank);
    }

  extra = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  for (guint g = 0; groups && groups[g]; g++)
    if (!read_groups (groups[g], extra, &error))
      {
        sd_cli_print_error ("fairness", error);
        return SD_EXIT_USAGE;
      }
  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;

  cancellable = sd_cli_cancel_on_signals ();
  options.model_id = model_id;
  options.no_saved = no_saved;
  options.max_users = (guint) max_users;
  options.n_bootstrap = (guint) bootstrap;
  options.seed = (guint64) seed;
  options.extra_groups = g_hash_table_size (extra) ? extra : NULL;
  options.cancellable = cancellable;
  report = sd_fairness_compute (store, &options, &error);
  if (!report)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return sd_cli_cancelled_status ();
      sd_cli_print_error ("fairness", error);
      return SD_EXIT_FAILED;
    }

  if (dp.epsilon)
    {
      g_autofree char *released = sd_fairness_report_release_dp (report, dp_options.mechanism, dp_options.epsilon,
                                                                 dp_options.delta, dp_options.threshold, &error);
      if (!released)
        {
          sd_cli_print_error ("fairness", error);
          return SD_EXIT_FAILED;
        }
      printf ("%s\n", released);
      return SD_EXIT_OK;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_fairness_report_write_json (report, w);
      sd_cli_print_json (g_steal_pointer (&w));
      return SD_EXIT_OK;
    }
  if (csv)
    {
      g_autofree char *text = sd_fairness_report_to_csv (report);
      fputs (text, stdout);
      return SD_EXIT_OK;
    }
  {
    g_autofree char *label = sd_cli_printable (report->label);
    g_autofree char *spec = sd_rerank_spec_to_string (&report->rerank);
    g_autofree char *served = sd_format_count (report->n_served);
    g_autofree char *items = sd_format_count (report->n_items);
    g_autofree char *tail = sd_format_count (report->n_tail);
    printf (_("Model %s (%s, %s), %s customers served, %s products (%s in the long tail)\n"),
            label, report->algorithm, report->source, served, items, tail);
    printf (_("Sales (%s): long tail %.1f %%, Gini %.3f\n"), report->sales_basis,
            100 * report->sales_tail_share, report->sales_gini);
    print_figures (C_("fairness report, before a re-ranking", "Before"), report->before);
    if (report->after)
      {
        g_autofree char *title = g_strdup_printf (_("After %s"), spec);
        print_figures (title, report->after);
        printf (_("Re-ranking %s: NDCG@10 %+.4f, coverage %+.1f points, long tail %+.1f points\n"), spec,
                report->after->ndcg - report->before->ndcg,
                100 * (report->after->coverage - report->before->coverage),
                100 * (report->after->tail_share - report->before->tail_share));
        if (sd_fairness_rerank_futile (report, report->rerank.kind))
          printf ("%s\n", sd_fairness_rerank_futile (report, report->rerank.kind));
      }
  }
  return SD_EXIT_OK;
}
