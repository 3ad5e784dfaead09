/* test-live-models.c — a live model per purpose: promote, roll back (past the first
 * promotion: none live), the history with who and why, `models list --json`, and every
 * consumer using the live model: `recommend` and `similar` without --model, the chatbot's
 * recommendation and a coupon rule's predicted interest (its default model is "live").
 * The shop has EASE trained first and ALS after it, so "the newest model" and "the live
 * model" differ once EASE is promoted. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "sd-coupon-interest.h"
#include "sd-coupon-rule.h"
#include "sd-coupon-store.h"
#include "sd-customer-facts.h"
#include "sd-demo.h"
#include "sd-dialogue.h"
#include "sd-error.h"
#include "sd-json.h"
#include "sd-eval.h"
#include "sd-model-presets.h"
#include "sd-model-registry.h"
#include "sd-model-runs.h"
#include "sd-sentiment.h"
#include "sd-split.h"
#include "sd-model-store.h"
#include "temp-folder.h"

static const char *cli;
static char *dir, *db;
static gint64 ease_id, als_id;

static char *
run (int                *status,
     const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &wait_status, &error));
  g_assert_no_error (error);
  *status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (err && *err)
    g_test_message ("stderr: %s", err);
  return out;
}

static SdJsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  SdJsonNode *root = sd_json_parse (json, -1, "cli --json", &error);

  g_assert_no_error (error);
  return root;
}

static gint64
member_int (SdJsonNode *obj,
            const char *key)
{
  SdJsonNode *n = sd_json_node_get_member (obj, key);

  g_assert_nonnull (n);
  if (sd_json_node_get_node_type (n) == SD_JSON_NULL)
    return 0;
  g_assert_cmpint (sd_json_node_get_node_type (n), ==, SD_JSON_NUMBER);
  return (gint64) sd_json_node_get_number (n);
}

static gint64
train (const char *model,
       const char *param)
{
  int status;
  g_autofree char *out = run (&status, (const char *[]) { "train", "--model", model, "--param", param, "--json", NULL });
  g_autoptr(SdJsonNode) root = NULL;

  g_assert_cmpint (status, ==, 0);
  root = parse (out);
  return member_int (root, "model_id");
}

static SdStore *
open_shop (void)
{
  g_autoptr(GError) error = NULL;
  SdStore *store = sd_store_open (db, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_registry (void)
{
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gint64 now_live = -1;

  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, &error), ==, 0);
  g_assert_no_error (error);

  /* A recommender serves recommendations and coupon interest, not the chatbot's intents. */
  g_assert_false (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_CHAT_INTENTS, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (sd_model_registry_promote (store, 99999, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sd_model_registry_promote (store, als_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, "ana", "first", &error));
  g_assert_no_error (error);
  g_assert_true (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, "ben", "better NDCG", &error));
  g_assert_no_error (error);
  /* Promoting the live model again records nothing (a rollback would return to itself). */
  g_assert_true (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, "ben", "again", &error));
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL), ==, ease_id);
  /* Other purposes are untouched; coupon interest without its own asks recommendations'. */
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL), ==, 0);
  g_assert_cmpint (sd_model_store_live_recommender_id (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL), ==, ease_id);

  history = sd_model_registry_history (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  {
    SdPromotion *newest = g_ptr_array_index (history, 0);
    g_assert_cmpint (newest->model_id, ==, ease_id);
    g_assert_cmpstr (newest->who, ==, "ben");
    g_assert_cmpstr (newest->note, ==, "better NDCG");
    g_assert_cmpstr (newest->action, ==, "promote");
    g_assert_cmpint (newest->at, >, 0);
  }

  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, "ana", "oops", &now_live, &error));
  g_assert_no_error (error);
  g_assert_cmpint (now_live, ==, als_id);
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL), ==, als_id);
  /* Past the first promotion: none is live, and a further rollback has nothing to undo. */
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, &now_live, &error));
  g_assert_cmpint (now_live, ==, 0);
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL), ==, 0);
  g_assert_false (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, &now_live, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = sd_model_registry_history (store, SD_N_MODEL_PURPOSES, 10, &error);
  g_assert_cmpuint (history->len, ==, 4);
  g_assert_cmpstr (((SdPromotion *) g_ptr_array_index (history, 0))->action, ==, "rollback");
}

/* A model deleted while it waits under the live one is skipped by a rollback. */
static void
test_rollback_skips_deleted (void)
{
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdModelInfo) copy = NULL;
  gint64 now_live = -1, doomed;

  /* A copy of the ALS row, promoted and then deleted from under EASE. */
  g_assert_true (sd_store_exec (store, "INSERT INTO models (kind, name, params, metrics, run_id, created_at, blob)"
                                " SELECT kind, name, params, metrics, NULL, created_at, blob FROM models"
                                " WHERE name = 'als'", &error));
  doomed = sqlite3_last_insert_rowid (sd_store_get_db (store));
  copy = sd_model_registry_get (store, doomed, &error);
  g_assert_no_error (error);
  {
    g_autofree char *label = g_strdup_printf ("als #%" G_GINT64_FORMAT, doomed);
    g_assert_cmpstr (copy->label, ==, label);
  }
  g_assert_true (sd_model_registry_promote (store, als_id, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL, NULL, &error));
  g_assert_true (sd_model_registry_promote (store, doomed, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL, NULL, &error));
  g_assert_true (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_exec (store, "DELETE FROM models WHERE id NOT IN (SELECT id FROM models WHERE name IN ('ease', 'als') AND run_id IS NOT NULL)", &error));
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL, NULL, &now_live, &error));
  g_assert_no_error (error);
  g_assert_cmpint (now_live, ==, als_id);
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL), ==, als_id);
  /* and the history replays to the same stack */
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL, NULL, &now_live, &error));
  g_assert_cmpint (now_live, ==, 0);
  g_assert_cmpint (sd_model_registry_live_id (store, SD_MODEL_PURPOSE_COUPON_INTEREST, NULL), ==, 0);
}

static void
test_cli (void)
{
  int status;
  g_autofree char *list = NULL;
  g_autofree char *promote = NULL;
  g_autofree char *rollback = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  g_autofree char *ease = g_strdup_printf ("%" G_GINT64_FORMAT, ease_id);
  g_autofree char *als = g_strdup_printf ("%" G_GINT64_FORMAT, als_id);
  guint n_live = 0;

  promote = run (&status, (const char *[]) { "models", "promote", "--note", "ease wins", "--no-compare", ease, NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (promote, "now live for recommendations"));

  list = run (&status, (const char *[]) { "models", "list", "--json", NULL });
  g_assert_cmpint (status, ==, 0);
  root = parse (list);
  g_assert_cmpint (sd_json_node_get_node_type (root), ==, SD_JSON_ARRAY);
  g_assert_cmpuint (sd_json_node_get_length (root), ==, 2);
  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      SdJsonNode *item = sd_json_node_get_element (root, i);
      SdJsonNode *live = sd_json_node_get_member (item, "live");
      const char *keys[] = { "id", "algorithm", "label", "purpose", "created", "params", "metrics", "live" };
      gint64 id = member_int (item, "id");

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        g_assert_nonnull (sd_json_node_get_member (item, keys[k]));
      g_assert_cmpstr (sd_json_node_get_string (sd_json_node_get_member (item, "purpose")), ==, "recommendations");
      g_assert_cmpstr (sd_json_node_get_string (sd_json_node_get_member (item, "algorithm")), ==,
                       id == ease_id ? "ease" : "als");
      g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (item, "params")), ==, SD_JSON_OBJECT);
      g_assert_cmpint (sd_json_node_get_node_type (live), ==, SD_JSON_BOOL);
      if (sd_json_node_get_boolean (live))
        {
          n_live++;
          g_assert_cmpint (id, ==, ease_id);
        }
    }
  g_assert_cmpuint (n_live, ==, 1);

  /* Usage mistakes are told as such. */
  g_free (run (&status, (const char *[]) { "models", "rollback", NULL }));
  g_assert_cmpint (status, ==, 2);
  g_free (run (&status, (const char *[]) { "models", "rollback", "--purpose", "nonsense", NULL }));
  g_assert_cmpint (status, ==, 2);
  bad = run (&status, (const char *[]) { "models", "promote", "424242", NULL });
  g_assert_cmpint (status, ==, 1);
  g_free (run (&status, (const char *[]) { "models", "promote", "--purpose", "chat-intents", "--no-compare", als, NULL }));
  g_assert_cmpint (status, ==, 2);

  /* Tune within a budget: two trials of EASE's seven-point grid. */
  {
    g_autofree char *tuned = run (&status, (const char *[]) { "tune", "--model", "ease", "--max-trials", "2", "--json", NULL });
    g_autoptr(SdJsonNode) result = NULL;
    g_assert_cmpint (status, ==, 0);
    result = parse (tuned);
    g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (result, "trials")), ==, 2);
    g_assert_cmpint (member_int (result, "planned_trials"), ==, 2);
  }

  /* Back past the first promotion: the command says nothing is live now. */
  rollback = run (&status, (const char *[]) { "models", "rollback", "--purpose", "recommendations", NULL });
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (rollback, "no model is live"));
}

static void
test_compare (void)
{
  int status;
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ease_id);

  g_assert_true (sd_model_registry_promote (store, als_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, &error));
  out = run (&status, (const char *[]) { "models", "compare", id, "--json", NULL });
  g_assert_cmpint (status, ==, 0);
  root = parse (out);
  {
    SdJsonNode *cand = sd_json_node_get_member (root, "candidate");
    SdJsonNode *live = sd_json_node_get_member (root, "live");
    SdJsonNode *customers = sd_json_node_get_member (root, "customers");
    double a = sd_json_node_get_number (sd_json_node_get_member (cand, "ndcg@10"));
    double b = sd_json_node_get_number (sd_json_node_get_member (live, "ndcg@10"));

    g_assert_cmpint (member_int (cand, "model_id"), ==, ease_id);
    g_assert_cmpint (member_int (live, "model_id"), ==, als_id);
    /* Both measured, on the same customers, and above nothing. */
    g_assert_cmpfloat (a, >, 0.01);
    g_assert_cmpfloat (b, >, 0.01);
    g_assert_cmpint (member_int (root, "test_customers"), >, 100);
    g_assert_cmpuint (sd_json_node_get_length (customers), ==, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_cmpint (member_int (sd_json_node_get_element (customers, i), "overlap"), <=, 10);
  }
  /* The comparison is measured again, not read from the stored runs: the same call twice
   * gives the same figures (seeded split, deterministic fits). */
  {
    g_autofree char *again = run (&status, (const char *[]) { "models", "compare", id, "--json", NULL });
    g_assert_cmpstr (again, ==, out);
  }
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, NULL, &error));
}

/* Done when: EASE promoted, and recommend, similar, the chatbot and a coupon rule use it. */
static void
test_consumers (void)
{
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  int status;
  g_autofree char *rec = NULL;
  g_autofree char *sim = NULL;
  g_autofree char *expect = g_strdup_printf ("recommender: ease (models.id=%" G_GINT64_FORMAT ")", ease_id);

  g_assert_true (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, "test", &error));
  g_assert_no_error (error);

  rec = run (&status, (const char *[]) { "recommend", "--customer", "1", "--json", NULL });
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = parse (rec);
    g_assert_cmpstr (sd_json_node_get_string (sd_json_node_get_member (root, "model")), ==, "ease");
    g_assert_cmpint (member_int (root, "model_id"), ==, ease_id);
  }
  sim = run (&status, (const char *[]) { "similar", "--product", "1", "--json", NULL });
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(SdJsonNode) root = parse (sim);
    g_assert_cmpstr (sd_json_node_get_string (sd_json_node_get_member (root, "model")), ==, "ease");
    g_assert_cmpint (member_int (root, "model_id"), ==, ease_id);
    g_assert_cmpuint (sd_json_node_get_length (sd_json_node_get_member (root, "items")), >, 0);
  }

  /* The chatbot: the newest model is ALS, the live one EASE. */
  {
    g_autoptr(SdDialogue) dialogue = sd_dialogue_new (store, &error);
    g_autoptr(SdChatSession) s = sd_chat_session_new (1, "en");
    g_autoptr(SdTurnTrace) t = NULL;
    gboolean found = FALSE;

    g_assert_no_error (error);
    t = sd_dialogue_respond (dialogue, s, "can you recommend me something?");
    g_assert_cmpstr (t->intent, ==, "recommendation_request");
    for (guint i = 0; i < t->data_rows->len; i++)
      found |= g_str_equal (t->data_rows->pdata[i], expect);
    g_test_message ("chatbot: %s", (char *) t->data_rows->pdata[0]);
    g_assert_true (found);
  }

  /* A rule that names no model asks the live one. */
  {
    g_autoptr(SdCouponRule) rule = sd_coupon_rule_from_json (
        "{\"name\": \"interest\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
        "{\"type\": \"predicted_interest\", \"text\": \"Garden\", \"rank\": 3}]},"
        " \"action\": {\"type\": \"free_shipping\"}}", "test", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (((SdCondition *) g_ptr_array_index (rule->conditions->children, 0))->model, ==, "live");
    g_assert_true (sd_coupon_rule_validate (rule, sd_coupon_store_model_exists, store, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(SdCustomerFacts) facts = sd_customer_facts_load (store, NULL, &error);
    g_autoptr(SdInterest) interest = NULL;
    guint same_as_ease = 0, same_as_als = 0, asked = 0;

    g_assert_no_error (error);
    interest = sd_interest_new (db, facts);
    for (guint c = 0; c < facts->n_customers && asked < 40; c += 7)
      for (guint k = 0; k < facts->categories->len; k++)
        {
          const char *cat = g_ptr_array_index (facts->categories, k);
          double live_score, ease_score, als_score;
          int live_rank, ease_rank, als_rank;

          if (!sd_interest_lookup ("live", c, cat, &live_score, &live_rank, interest) ||
              !sd_interest_lookup ("ease", c, cat, &ease_score, &ease_rank, interest) ||
              !sd_interest_lookup ("als", c, cat, &als_score, &als_rank, interest))
            continue;
          asked++;
          same_as_ease += live_score == ease_score && live_rank == ease_rank;
          same_as_als += live_score == als_score && live_rank == als_rank;
        }
    g_test_message ("coupon interest: %u asked, %u as EASE, %u as ALS", asked, same_as_ease, same_as_als);
    g_assert_cmpuint (asked, >, 10);
    g_assert_cmpuint (same_as_ease, ==, asked);
    g_assert_cmpuint (same_as_als, <, asked);
  }
}


/* A run records what it saw; the shop's new orders since are counted against it, and a
 * live run cannot be deleted while a run that is not live goes with its model and points. */
static void
test_run_records (void)
{
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdModelInfo) ease = sd_model_registry_get (store, ease_id, &error);
  g_autoptr(SdRunRecord) record = NULL;
  g_autofree char *label = NULL;
  g_auto(GStrv) args = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (ease->run_id, >, 0);
  record = sd_model_runs_get (store, ease->run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->customers, ==, 600);
  g_assert_cmpint (record->products, >, 100);
  g_assert_cmpint (record->interactions, >, 1000);
  g_assert_cmpint (record->newest_event, >, 1700000000);
  g_assert_cmpint (record->orders, >, 1000);
  g_assert_cmpint (record->model_id, ==, ease_id);
  g_assert_cmpint (sd_model_runs_new_orders (store, record, &error), ==, 0);
  g_assert_true (sd_store_exec (store, "INSERT INTO orders (external_id, placed_at) VALUES ('NEW-1', 1800000000),"
                                " ('NEW-2', 1800000001)", &error));
  g_assert_cmpint (sd_model_runs_new_orders (store, record, &error), ==, 2);
  g_assert_true (sd_store_exec (store, "DELETE FROM orders WHERE external_id LIKE 'NEW-%'", &error));

  /* Its settings again, as Retrain passes them. */
  args = sd_run_record_params_as_args (record);
  g_assert_true (g_strv_contains ((const char * const *) args, "lambda=300"));

  g_assert_true (sd_model_runs_set_label (store, ease->run_id, "  EASE for spring ", "λ from Tune", &error));
  label = sd_model_runs_get_label (store, ease->run_id);
  g_assert_cmpstr (label, ==, "EASE for spring");
  {
    g_autoptr(SdModelInfo) named = sd_model_registry_get (store, ease_id, &error);
    g_assert_cmpstr (named->label, ==, "EASE for spring");
    g_assert_cmpstr (named->note, ==, "λ from Tune");
  }
  g_assert_true (sd_model_runs_set_label (store, ease->run_id, NULL, NULL, &error));

  /* Live: refused. Not live: gone, with its model and points. */
  g_assert_true (sd_model_registry_promote (store, ease_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, &error));
  g_assert_false (sd_model_runs_delete (store, ease->run_id, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  {
    gint64 doomed = train ("itemknn", "k=50");
    g_autoptr(SdModelInfo) info = sd_model_registry_get (store, doomed, &error);
    gint64 run = info->run_id;
    g_autoptr(SdModelInfo) gone = NULL;

    g_assert_true (sd_model_runs_delete (store, run, &error));
    g_assert_no_error (error);
    gone = sd_model_registry_get (store, doomed, &error);
    g_assert_null (gone);
    g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_null (sd_model_runs_get (store, run, &error));
    g_clear_error (&error);
  }
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, NULL, &error));
}

/* chat-sentiment: a sentiment model promoted is what the chatbot reads messages with. The
 * one stored here calls everything negative, so its use shows in the trace. */
static void
test_live_sentiment (void)
{
  static const char *const texts[] = { "great", "awful", "fine", "love it", "broken" };
  const SdSentimentLabel labels[] = { SD_SENTIMENT_NEGATIVE, SD_SENTIMENT_NEGATIVE, SD_SENTIMENT_NEGATIVE,
                                      SD_SENTIMENT_NEGATIVE, SD_SENTIMENT_NEGATIVE };
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSentiment) gloomy = sd_sentiment_new (10);
  g_autoptr(GBytes) blob = NULL;
  const char *message = "thank you so much, I love it, it is great";
  SdSentimentOptions options;
  gint64 id;
  int status;

  {
    g_autoptr(SdDialogue) before = sd_dialogue_new (store, &error);
    g_autoptr(SdChatSession) s = sd_chat_session_new (1, "en");
    g_autoptr(SdTurnTrace) t = sd_dialogue_respond (before, s, message);
    g_assert_no_error (error);
    g_assert_cmpint (t->sentiment.label, ==, SD_SENTIMENT_POSITIVE);
  }
  sd_sentiment_options_init (&options);
  g_assert_true (sd_sentiment_train (gloomy, texts, labels, G_N_ELEMENTS (texts), &options, NULL, &error));
  blob = sd_sentiment_save (gloomy);
  id = sd_model_registry_store (store, "sentiment", "gloomy", NULL, blob, &error);
  g_assert_no_error (error);
  g_assert_true (sd_model_registry_promote (store, id, SD_MODEL_PURPOSE_CHAT_SENTIMENT, NULL, NULL, &error));
  {
    g_autoptr(SdDialogue) after = sd_dialogue_new (store, &error);
    g_autoptr(SdChatSession) s = sd_chat_session_new (1, "en");
    g_autoptr(SdTurnTrace) t = sd_dialogue_respond (after, s, message);
    g_assert_no_error (error);
    g_assert_cmpint (t->sentiment.label, ==, SD_SENTIMENT_NEGATIVE);
  }
  g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_CHAT_SENTIMENT, NULL, NULL, NULL, &error));

  /* The CLI stores the built-in model for promoting. */
  {
    g_autofree char *out = run (&status, (const char *[]) { "models", "train-sentiment", "--json", NULL });
    g_autoptr(SdJsonNode) root = NULL;
    g_autoptr(SdModelInfo) info = NULL;
    g_assert_cmpint (status, ==, 0);
    root = parse (out);
    info = sd_model_registry_get (store, member_int (root, "model_id"), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (info->kind, ==, "sentiment");
    g_assert_cmpstr (info->algorithm, ==, "builtin");
  }
}

/* Every preset's settings are accepted by its model, and on the demo shop Best quality
 * ranks at least as well as Fast for the models whose presets trade time for quality. */
static void
test_presets (void)
{
  static const char *const models[] = { "als", "bpr", "itemknn", "userknn" };
  g_autoptr(SdStore) store = open_shop ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdInteractions) all = sd_interactions_from_store (store, NULL, NULL, &error);
  SdSplit split = { NULL };

  g_assert_no_error (error);
  g_assert_null (sd_preset_get_params ("popularity", SD_PRESET_FAST));
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (SdPreset p = 0; p < SD_N_PRESETS; p++)
      {
        const char * const *params = sd_preset_get_params (models[m], p);
        g_autoptr(SdRecommender) model = sd_recommender_new (models[m], &error);

        g_assert_nonnull (params);
        g_assert_nonnull (sd_preset_describe (models[m], p));
        for (guint i = 0; params[i]; i++)
          {
            const char *eq = strchr (params[i], '=');
            g_autofree char *key = g_strndup (params[i], eq - params[i]);
            g_assert_true (sd_recommender_set_param (model, key, eq + 1, &error));
            g_assert_no_error (error);
          }
      }
  g_assert_nonnull (sd_model_param_describe ("als", "factors"));
  g_assert_true (sd_model_param_is_everyday ("als", "factors"));
  g_assert_false (sd_model_param_is_everyday ("als", "threads"));

  sd_split_random_holdout (all, 0.2, 3, &split);
  for (guint m = 0; m < 2; m++)
    {
      const char *name = m == 0 ? "als" : "itemknn";
      double ndcg[SD_N_PRESETS];

      for (SdPreset p = SD_PRESET_FAST; p < SD_N_PRESETS; p += SD_PRESET_BEST)
        {
          g_autoptr(SdRecommender) model = sd_recommender_new (name, NULL);
          const char * const *params = sd_preset_get_params (name, p);
          const guint ks[] = { 10 };
          SdEvalOptions options = { ks, 1, 10, NULL, 0, 0, NULL, NULL };
          g_autoptr(SdEvalResult) result = NULL;

          for (guint i = 0; params[i]; i++)
            {
              const char *eq = strchr (params[i], '=');
              g_autofree char *key = g_strndup (params[i], eq - params[i]);
              sd_recommender_set_param (model, key, eq + 1, NULL);
            }
          g_assert_true (sd_recommender_fit (model, split.train, NULL, &error));
          result = sd_eval_run (model, split.test, &options, &error);
          g_assert_no_error (error);
          ndcg[p] = result->overall.at[0].ndcg;
        }
      g_test_message ("%s: NDCG@10 fast %.4f, best quality %.4f", name, ndcg[SD_PRESET_FAST], ndcg[SD_PRESET_BEST]);
      g_assert_cmpfloat (ndcg[SD_PRESET_BEST], >=, ndcg[SD_PRESET_FAST]);
    }
  sd_split_clear (&split);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  cli = g_getenv ("SD_CLI");
  if (cli == NULL)
    {
      g_printerr ("SD_CLI is not set: run through meson test\n");
      return 77;
    }
  dir = g_dir_make_tmp ("sd-live-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "shop.sqlite", NULL);
  g_free (run (&status, (const char *[]) { "demo", "--size", "600", NULL }));
  g_assert_cmpint (status, ==, 0);
  ease_id = train ("ease", "lambda=300");
  als_id = train ("als", "iterations=3");
  g_assert_cmpint (ease_id, >, 0);
  g_assert_cmpint (als_id, >, ease_id);

  g_test_add_func ("/live-models/registry", test_registry);
  g_test_add_func ("/live-models/rollback-skips-deleted", test_rollback_skips_deleted);
  g_test_add_func ("/live-models/cli", test_cli);
  g_test_add_func ("/live-models/compare", test_compare);
  g_test_add_func ("/live-models/consumers", test_consumers);
  g_test_add_func ("/live-models/presets", test_presets);
  g_test_add_func ("/live-models/run-records", test_run_records);
  g_test_add_func ("/live-models/live-sentiment", test_live_sentiment);
  status = g_test_run ();

  temp_folder_remove (dir);
  return status;
}
