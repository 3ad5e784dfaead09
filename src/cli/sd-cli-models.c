/* sd-cli-models.c — `shopdesk-cli models list | promote | rollback | history | compare`:
 * which stored model each purpose uses */
#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include "sd-cli.h"
#include "sd-error.h"
#include "sd-model-compare.h"
#include "sd-model-registry.h"
#include "sd-sentiment.h"

static char *
format_time (gint64 at)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (at);

  return when ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static void
write_raw_or_null (SdJsonWriter *w,
                   const char   *key,
                   const char   *json)
{
  sd_json_writer_key (w, key);
  if (json && *json)
    sd_json_writer_raw (w, json);
  else
    sd_json_writer_null (w);
}

static char *
live_purposes (guint mask)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint p = 0; p < SD_N_MODEL_PURPOSES; p++)
    if (mask & (1u << p))
      g_string_append_printf (out, "%s%s", out->len ? "," : "", sd_model_purpose_to_string (p));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
write_model_json (SdJsonWriter      *w,
                  const SdModelInfo *m)
{
  SdModelPurpose purpose = SD_MODEL_PURPOSE_RECOMMENDATIONS;
  gboolean has_purpose = sd_model_purpose_for_kind (m->kind, &purpose);

  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "id", m->id);
  sd_json_writer_member_string (w, "algorithm", m->algorithm ? m->algorithm : "");
  sd_json_writer_member_string (w, "label", m->label);
  sd_json_writer_member_string (w, "kind", m->kind ? m->kind : "");
  /* The purpose it is live for, else the one its kind serves. */
  for (guint p = 0; p < SD_N_MODEL_PURPOSES; p++)
    if (m->live_mask & (1u << p))
      {
        purpose = p;
        has_purpose = TRUE;
        break;
      }
  if (has_purpose)
    sd_json_writer_member_string (w, "purpose", sd_model_purpose_to_string (purpose));
  else
    {
      sd_json_writer_key (w, "purpose");
      sd_json_writer_null (w);
    }
  sd_json_writer_member_int (w, "created", m->created);
  if (m->run_id > 0)
    sd_json_writer_member_int (w, "run_id", m->run_id);
  write_raw_or_null (w, "params", m->params);
  write_raw_or_null (w, "metrics", m->metrics);
  sd_json_writer_member_bool (w, "live", m->live_mask != 0);
  sd_json_writer_key (w, "live_for");
  sd_json_writer_begin_array (w);
  for (guint p = 0; p < SD_N_MODEL_PURPOSES; p++)
    if (m->live_mask & (1u << p))
      sd_json_writer_string (w, sd_model_purpose_to_string (p));
  sd_json_writer_end_array (w);
  if (m->note)
    sd_json_writer_member_string (w, "note", m->note);
  sd_json_writer_member_bool (w, "needs_retraining", m->needs_retraining);
  sd_json_writer_end_object (w);
}

static int
models_list (SdStore    *store,
             const char *purpose_name,
             gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = sd_model_registry_list (store, &error);
  SdModelPurpose purpose = SD_N_MODEL_PURPOSES;

  if (purpose_name && !sd_model_purpose_from_string (purpose_name, &purpose))
    {
      fprintf (stderr, _("shopdesk-cli models list: unknown purpose “%s” (recommendations, "
               "chat-intents, chat-sentiment or coupon-interest)\n"), purpose_name);
      return SD_EXIT_USAGE;
    }
  if (models == NULL)
    {
      sd_cli_print_error ("models list", error);
      return SD_EXIT_FAILED;
    }
  g_autoptr(SdJsonWriter) w = json ? sd_json_writer_new () : NULL;
  if (json)
    sd_json_writer_begin_array (w);
  for (guint i = 0; i < models->len; i++)
    {
      const SdModelInfo *m = g_ptr_array_index (models, i);

      if (purpose < SD_N_MODEL_PURPOSES && g_strcmp0 (m->kind, sd_model_purpose_get_kind (purpose)) != 0)
        continue;
      if (json)
        write_model_json (w, m);
      else
        {
          g_autofree char *when = format_time (m->created);
          g_autofree char *label = sd_cli_printable (m->label);
          g_autofree char *live = live_purposes (m->live_mask);
          printf ("%5" G_GINT64_FORMAT "  %-11s %-10s %-28s %s%s%s%s\n", m->id, m->kind, m->algorithm, label,
                  when, *live ? "  LIVE: " : "", live,
                  m->needs_retraining ? _("  NEEDS RETRAINING (learnt from a forgotten customer)") : "");
        }
    }
  if (json)
    {
      sd_json_writer_end_array (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (models->len == 0)
    printf (_("No stored models yet. Train one with “shopdesk-cli train --model ease”.\n"));
  return SD_EXIT_OK;
}

static void
print_comparison (const SdModelComparison *c)
{
  g_autofree char *a = sd_cli_printable (c->candidate.label);
  g_autofree char *b = sd_cli_printable (c->live.label);

  printf (_("Refitted on the same 80 %% of each customer's items, measured on the other 20 %% "
          "(%u customers):\n"), c->n_test_users);
  printf ("  %-28s %8s %9s %7s %9s\n", "", "NDCG@10", "Recall@20", "Hit@10", "Coverage");
  printf ("  %-28s %8.4f %9.4f %7.4f %9.4f  %s\n", a, c->candidate.ndcg10,
          c->candidate.recall20, c->candidate.hit10, c->candidate.coverage, _("(candidate)"));
  printf ("  %-28s %8.4f %9.4f %7.4f %9.4f  %s\n", b, c->live.ndcg10, c->live.recall20,
          c->live.hit10, c->live.coverage, _("(live)"));
  printf (_("Top 10 in common for the most active customers (stored models as they serve):\n"));
  for (guint i = 0; i < c->customers->len; i++)
    {
      SdModelCompareCustomer *row = &g_array_index (c->customers, SdModelCompareCustomer, i);
      g_autofree char *who = sd_cli_printable (row->external_id);
      printf (_("  %-20s %u of %u\n"), who, row->overlap, row->n);
    }
}

static void
write_side_json (SdJsonWriter             *w,
                 const char               *key,
                 const SdModelCompareSide *side)
{
  sd_json_writer_key (w, key);
  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "model_id", side->model_id);
  sd_json_writer_member_string (w, "algorithm", side->algorithm);
  sd_json_writer_member_string (w, "label", side->label);
  sd_json_writer_member_double (w, "ndcg@10", side->ndcg10);
  sd_json_writer_member_double (w, "recall@20", side->recall20);
  sd_json_writer_member_double (w, "hit@10", side->hit10);
  sd_json_writer_member_double (w, "coverage", side->coverage);
  sd_json_writer_end_object (w);
}

static void
write_comparison_json (SdJsonWriter            *w,
                       const SdModelComparison *c)
{
  sd_json_writer_begin_object (w);
  write_side_json (w, "candidate", &c->candidate);
  write_side_json (w, "live", &c->live);
  sd_json_writer_member_int (w, "test_customers", c->n_test_users);
  sd_json_writer_member_double (w, "mean_top10_overlap", c->mean_overlap);
  sd_json_writer_key (w, "customers");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < c->customers->len; i++)
    {
      SdModelCompareCustomer *row = &g_array_index (c->customers, SdModelCompareCustomer, i);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "customer", row->external_id);
      sd_json_writer_member_int (w, "overlap", row->overlap);
      sd_json_writer_member_int (w, "of", row->n);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_end_object (w);
}

/* The candidate against the live model of @purpose; NULL (and nothing printed) when no
 * recommender is live to compare with or either is no recommender. */
static SdModelComparison *
compare_with_live (SdStore            *store,
                   const SdModelInfo  *candidate,
                   SdModelPurpose      purpose,
                   gint64              against,
                   GError            **error)
{
  gint64 live = against;

  if (g_strcmp0 (candidate->kind, "recommender") != 0)
    return NULL;
  if (live <= 0 && (live = sd_model_registry_live_id (store, purpose, error)) < 0)
    return NULL;
  if (live == 0 || live == candidate->id)
    return NULL;
  return sd_model_compare (store, candidate->id, live, 5, NULL, sd_cli_cancel_on_signals (), error);
}

static gboolean
parse_id (const char *command,
          char      **argv,
          int         argc,
          gint64     *id)
{
  if (argc != 3 || !g_ascii_string_to_signed (argv[2], 10, 1, G_MAXINT64, id, NULL))
    {
      fprintf (stderr, _("shopdesk-cli models %s: give the model's id (see “shopdesk-cli models list”)\n"), command);
      return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_purpose (const char         *command,
                 const char         *purpose_name,
                 const SdModelInfo  *model,
                 SdModelPurpose     *purpose)
{
  if (purpose_name)
    {
      if (sd_model_purpose_from_string (purpose_name, purpose))
        return TRUE;
      fprintf (stderr, _("shopdesk-cli models %s: unknown purpose “%s” (recommendations, "
               "chat-intents, chat-sentiment or coupon-interest)\n"), command, purpose_name);
      return FALSE;
    }
  if (model && sd_model_purpose_for_kind (model->kind, purpose))
    return TRUE;
  fprintf (stderr, _("shopdesk-cli models %s: --purpose P is required (recommendations, "
           "chat-intents, chat-sentiment or coupon-interest)\n"), command);
  return FALSE;
}

static int
models_promote (SdStore    *store,
                gint64      id,
                const char *purpose_name,
                const char *who,
                const char *note,
                gboolean    compare,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdModelInfo) model = sd_model_registry_get (store, id, &error);
  g_autoptr(SdModelComparison) comparison = NULL;
  SdModelPurpose purpose;
  gint64 before;

  if (model == NULL)
    {
      sd_cli_print_error ("models promote", error);
      return SD_EXIT_FAILED;
    }
  if (!resolve_purpose ("promote", purpose_name, model, &purpose))
    return SD_EXIT_USAGE;
  if ((before = sd_model_registry_live_id (store, purpose, &error)) < 0)
    {
      sd_cli_print_error ("models promote", error);
      return SD_EXIT_FAILED;
    }
  if (compare && !(comparison = compare_with_live (store, model, purpose, 0, &error)) && error)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fprintf (stderr, _("shopdesk-cli models promote: cancelled, nothing changed\n"));
          return sd_cli_cancelled_status ();
        }
      sd_cli_print_error ("models promote", error);
      return SD_EXIT_FAILED;
    }
  if (!sd_model_registry_promote (store, id, purpose, who, note, &error))
    {
      sd_cli_print_error ("models promote", error);
      return g_error_matches (error, SD_ERROR, SD_ERROR_INVALID_INPUT) ? SD_EXIT_USAGE : SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "purpose", sd_model_purpose_to_string (purpose));
      sd_json_writer_member_int (w, "live", id);
      sd_cli_json_member_id (w, "previous", before);
      if (comparison)
        {
          sd_json_writer_key (w, "comparison");
          write_comparison_json (w, comparison);
        }
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
      return SD_EXIT_OK;
    }
  if (comparison)
    print_comparison (comparison);
  {
    g_autofree char *label = sd_cli_printable (model->label);
    printf (_("Model %" PRId64 " (%s) is now live for %s"), id, label, sd_model_purpose_to_string (purpose));
    if (before > 0 && before != id)
      printf (_(" (was %" PRId64 ")"), before);
    /* TRANSLATORS: `models promote`: the end of "Model 5 (als #5) is now live for recommendations." */
    printf (_(".\n"));
  }
  return SD_EXIT_OK;
}

static int
models_rollback (SdStore    *store,
                 const char *purpose_name,
                 const char *who,
                 const char *note,
                 gboolean    json)
{
  g_autoptr(GError) error = NULL;
  SdModelPurpose purpose;
  gint64 before, now_live = 0;

  if (!purpose_name)
    {
      fprintf (stderr, _("shopdesk-cli models rollback: --purpose P is required (recommendations, "
               "chat-intents, chat-sentiment or coupon-interest)\n"));
      return SD_EXIT_USAGE;
    }
  if (!resolve_purpose ("rollback", purpose_name, NULL, &purpose))
    return SD_EXIT_USAGE;
  if ((before = sd_model_registry_live_id (store, purpose, &error)) < 0 ||
      !sd_model_registry_rollback (store, purpose, who, note, &now_live, &error))
    {
      sd_cli_print_error ("models rollback", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "purpose", sd_model_purpose_to_string (purpose));
      sd_json_writer_member_int (w, "was", before);
      sd_cli_json_member_id (w, "live", now_live);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (now_live > 0)
    printf (_("Rolled %s back from model %" PRId64 " to model %" PRId64 ".\n"),
            sd_model_purpose_to_string (purpose), before, now_live);
  else
    printf (_("Rolled %s back from model %" PRId64 ": no model is live for it now, so its "
            "users fall back to their default (%s).\n"), sd_model_purpose_to_string (purpose), before,
            purpose == SD_MODEL_PURPOSE_RECOMMENDATIONS ? _("EASE, trained when asked; the chatbot: the newest stored recommender")
            : purpose == SD_MODEL_PURPOSE_COUPON_INTEREST ? _("the live recommendations model, if any")
            : purpose == SD_MODEL_PURPOSE_CHAT_INTENTS ? _("the newest stored intent model, else the built-in classifier")
            : _("the built-in sentiment model"));
  return SD_EXIT_OK;
}

static int
models_history (SdStore    *store,
                const char *purpose_name,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  SdModelPurpose purpose = SD_N_MODEL_PURPOSES;

  if (purpose_name && !resolve_purpose ("history", purpose_name, NULL, &purpose))
    return SD_EXIT_USAGE;
  if (!(rows = sd_model_registry_history (store, purpose, 1000, &error)))
    {
      sd_cli_print_error ("models history", error);
      return SD_EXIT_FAILED;
    }
  g_autoptr(SdJsonWriter) w = json ? sd_json_writer_new () : NULL;
  if (json)
    sd_json_writer_begin_array (w);
  for (guint i = 0; i < rows->len; i++)
    {
      SdPromotion *p = g_ptr_array_index (rows, i);
      if (json)
        {
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "id", p->id);
          sd_json_writer_member_string (w, "purpose", sd_model_purpose_to_string (p->purpose));
          sd_json_writer_member_string (w, "action", p->action);
          sd_cli_json_member_id (w, "model_id", p->model_id);
          sd_json_writer_member_int (w, "at", p->at);
          sd_json_writer_member_string (w, "who", p->who ? p->who : "");
          sd_json_writer_member_string (w, "note", p->note ? p->note : "");
          sd_json_writer_end_object (w);
        }
      else
        {
          g_autofree char *when = format_time (p->at);
          g_autofree char *who = sd_cli_printable (p->who ? p->who : "?");
          g_autofree char *note = sd_cli_printable (p->note ? p->note : "");
          g_autofree char *model = p->model_id > 0 ? g_strdup_printf (_("model %" PRId64), p->model_id)
                                                   : g_strdup (_("no model"));
          g_autofree char *model_col = sd_cli_pad (model, 12);

          /* TRANSLATORS: `models history`: "2026-12-07 04:13  recommendations  promote  → model 5  by ann: why" */
          printf (_("%s  %-16s %-8s → %s by %s%s%s\n"), when, sd_model_purpose_to_string (p->purpose),
                  p->action, model_col, who, *note ? _(": ") : "", note);
        }
    }
  if (json)
    {
      sd_json_writer_end_array (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (rows->len == 0)
    printf (_("No model was promoted yet.\n"));
  return SD_EXIT_OK;
}

static int
models_compare (SdStore    *store,
                gint64      id,
                gint64      against,
                const char *purpose_name,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdModelInfo) model = sd_model_registry_get (store, id, &error);
  g_autoptr(SdModelComparison) comparison = NULL;
  SdModelPurpose purpose;

  if (model == NULL)
    {
      sd_cli_print_error ("models compare", error);
      return SD_EXIT_FAILED;
    }
  if (g_strcmp0 (model->kind, "recommender") != 0)
    {
      fprintf (stderr, _("shopdesk-cli models compare: model %" PRId64 " is no recommender; "
               "only recommenders are compared\n"), id);
      return SD_EXIT_USAGE;
    }
  if (!resolve_purpose ("compare", purpose_name, model, &purpose))
    return SD_EXIT_USAGE;
  if (!(comparison = compare_with_live (store, model, purpose, against, &error)))
    {
      if (error == NULL)
        {
          fprintf (stderr, _("shopdesk-cli models compare: no other model to compare with: none is live "
                   "for %s (give --against ID)\n"), sd_model_purpose_to_string (purpose));
          return SD_EXIT_FAILED;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return sd_cli_cancelled_status ();
      sd_cli_print_error ("models compare", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      write_comparison_json (w, comparison);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    print_comparison (comparison);
  return SD_EXIT_OK;
}

/* A sentiment model a shop can promote for chat-sentiment: trained on Amazon-style review
 * lines (4/5 of them, scored on the rest, split by a fixed seed), or, without a file, the
 * built-in one. */
static int
models_train_sentiment (SdStore    *store,
                        const char *path,
                        gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSentiment) model = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(SdJsonWriter) mw = sd_json_writer_new ();
  g_autofree char *metrics = NULL;
  g_autofree char *name = path ? g_path_get_basename (path) : g_strdup ("builtin");
  /* "reviews.json.gz" → "reviews" */
  if (strchr (name + 1, '.'))
    *strchr (name + 1, '.') = '\0';
  SdSentimentEval eval = { 0 };
  gint64 id;

  sd_json_writer_begin_object (mw);
  if (path)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GPtrArray) train_texts = g_ptr_array_new ();
      g_autoptr(GArray) train_labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
      g_autoptr(GPtrArray) test_texts = g_ptr_array_new ();
      g_autoptr(GArray) test_labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
      g_autoptr(GRand) rand = g_rand_new_with_seed (1);
      SdSentimentOptions options;

      if (!sd_sentiment_read_reviews (path, 0, texts, labels, &error))
        {
          sd_cli_print_error ("models train-sentiment", error);
          return SD_EXIT_FAILED;
        }
      for (guint i = 0; i < texts->len; i++)
        {
          SdSentimentLabel label = g_array_index (labels, guint, i);
          gboolean test = g_rand_int_range (rand, 0, 5) == 0;
          g_ptr_array_add (test ? test_texts : train_texts, texts->pdata[i]);
          g_array_append_val (test ? test_labels : train_labels, label);
        }
      if (train_texts->len == 0 || test_texts->len == 0)
        {
          fprintf (stderr, _("shopdesk-cli models train-sentiment: too few reviews to train and check on\n"));
          return SD_EXIT_FAILED;
        }
      sd_sentiment_options_init (&options);
      model = sd_sentiment_new (18);
      if (!sd_sentiment_train (model, (const char * const *) train_texts->pdata,
                               (SdSentimentLabel *) train_labels->data, train_texts->len, &options,
                               sd_cli_cancel_on_signals (), &error))
        {
          sd_cli_print_error ("models train-sentiment", error);
          return SD_EXIT_FAILED;
        }
      sd_sentiment_evaluate (model, (const char * const *) test_texts->pdata,
                             (SdSentimentLabel *) test_labels->data, test_texts->len, &eval);
      sd_json_writer_member_fixed (mw, "accuracy", eval.accuracy, 4);
      sd_json_writer_member_fixed (mw, "macro_f1", eval.macro_f1, 4);
      sd_json_writer_member_int (mw, "test_reviews", eval.n);
    }
  else if (!(model = sd_sentiment_new_builtin (&error)))
    {
      sd_cli_print_error ("models train-sentiment", error);
      return SD_EXIT_FAILED;
    }
  sd_json_writer_end_object (mw);
  metrics = sd_json_writer_finish (g_steal_pointer (&mw));
  blob = sd_sentiment_save (model);
  if ((id = sd_model_registry_store (store, "sentiment", name, metrics, blob, &error)) < 0)
    {
      sd_cli_print_error ("models train-sentiment", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "model_id", id);
      sd_json_writer_key (w, "metrics");
      sd_json_writer_raw (w, metrics);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (path)
    printf (_("Stored sentiment model %" PRId64 " (accuracy %.3f, macro-F1 %.3f on %u held-out reviews); "
            "“shopdesk-cli models promote %" PRId64 "” makes the chatbot use it.\n"),
            id, eval.accuracy, eval.macro_f1, eval.n, id);
  else
    printf (_("Stored the built-in sentiment model as model %" PRId64 "; "
            "“shopdesk-cli models promote %" PRId64 "” makes the chatbot use it.\n"), id, id);
  return SD_EXIT_OK;
}

int
sd_cli_models (SdCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autofree char *purpose = NULL;
  g_autofree char *note = NULL;
  g_autofree char *who = NULL;
  g_autofree char *train = NULL;
  gint64 against = 0;
  gboolean json = FALSE, no_compare = FALSE;
  GOptionEntry entries[] = {
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, N_("recommendations|chat-intents|chat-sentiment|coupon-interest (promote: default from the model's kind)"), "P" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why (promote, rollback): kept in the history"), "TEXT" },
    { "who", 0, 0, G_OPTION_ARG_STRING, &who, N_("Who did it (default: the user name)"), "NAME" },
    { "against", 0, 0, G_OPTION_ARG_INT64, &against, N_("compare: the model to compare with (default: the live one)"), "ID" },
    { "no-compare", 0, 0, G_OPTION_ARG_NONE, &no_compare, N_("promote: skip measuring the candidate against the live model"), NULL },
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &train, N_("train-sentiment: review JSON lines, plain or .gz (default: the built-in model)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  const char *action;
  gint64 id = 0;

  if (!sd_cli_parse ("models", _("list | promote ID | rollback | history | compare ID | train-sentiment: the live model of each purpose"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc < 2)
    {
      fprintf (stderr, _("shopdesk-cli models: say what to do: list, promote, rollback, history, compare or train-sentiment\n"
                       "Run “shopdesk-cli models --help” for its options.\n"));
      return SD_EXIT_USAGE;
    }
  action = argv[1];
  if (!g_strv_contains ((const char *[]) { "list", "promote", "rollback", "history", "compare", "train-sentiment", NULL }, action))
    {
      fprintf (stderr, _("shopdesk-cli models: unknown action “%s”\n"), action);
      return SD_EXIT_USAGE;
    }
  if ((strcmp (action, "promote") == 0 || strcmp (action, "compare") == 0))
    {
      if (!parse_id (action, argv, argc, &id))
        return SD_EXIT_USAGE;
    }
  else if (argc != 2)
    {
      fprintf (stderr, _("shopdesk-cli models %s: unexpected “%s”\n"), action, argv[2]);
      return SD_EXIT_USAGE;
    }

  if (!(store = g_strv_contains ((const char *[]) { "promote", "rollback", "train-sentiment", NULL }, action)
                ? sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)
                : sd_cli_open_store (global)))
    return SD_EXIT_FAILED;

  if (strcmp (action, "list") == 0)
    return models_list (store, purpose, json);
  if (strcmp (action, "promote") == 0)
    return models_promote (store, id, purpose, who, note, !no_compare, json);
  if (strcmp (action, "rollback") == 0)
    return models_rollback (store, purpose, who, note, json);
  if (strcmp (action, "history") == 0)
    return models_history (store, purpose, json);
  if (strcmp (action, "train-sentiment") == 0)
    return models_train_sentiment (store, train, json);
  return models_compare (store, id, against, purpose, json);
}
