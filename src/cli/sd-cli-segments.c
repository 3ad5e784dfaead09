/* sd-cli-segments.c — `shopdesk-cli segments`: clusters of taste with profiles and names,
 * saved audiences (save, list, export, rename, delete) and the RFM grid */
#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include "sd-audience.h"
#include "sd-cli.h"
#include "sd-error.h"
#include "sd-number-format.h"
#include "sd-rfm.h"
#include "sd-segments.h"
#include "sd-shop-summary.h"

typedef struct {
  guint     k;
  char     *model;
  gint64    cluster;
  char     *name;
  char     *segment;
  char     *rfm;
  gboolean  recompute;
  gboolean  json;
  gboolean  csv;
} Options;

static void
write_traits (SdJsonWriter *w,
              const char   *key,
              GPtrArray    *traits,
              gboolean      titles)
{
  sd_json_writer_key (w, key);
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < traits->len; i++)
    {
      SdSegmentTrait *t = g_ptr_array_index (traits, i);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "name", t->key);
      if (titles)
        sd_json_writer_member_string (w, "title", t->label);
      sd_json_writer_member_int (w, "customers", t->customers);
      sd_json_writer_member_fixed (w, "share", t->share, 4);
      sd_json_writer_member_fixed (w, "lift", t->lift, 3);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
}

static SdSegments *
compute (SdStore       *store,
         const Options *o,
         const char    *command)
{
  g_autoptr(GError) error = NULL;
  gboolean use_stored = o->model == NULL || g_str_has_prefix (o->model, "als");
  SdSegments *segments;

  if (o->model && !use_stored && strcmp (o->model, "map") != 0)
    {
      fprintf (stderr, _("shopdesk-cli %s: --model is “als” (the stored ALS model) or “map” (a small model made for the map)\n"), command);
      return NULL;
    }
  segments = sd_segments_compute (store, use_stored, o->k, !sd_store_is_read_only (store), NULL, NULL, &error);
  if (segments == NULL)
    sd_cli_print_error (command, error);
  else if (segments->map->n_customers == 0)
    {
      fprintf (stderr, _("shopdesk-cli %s: no customer has viewed, carted or bought anything yet\n"), command);
      g_clear_pointer (&segments, sd_segments_free);
    }
  return segments;
}

static int
segments_show (SdStore       *store,
               const Options *o)
{
  g_autoptr(SdSegments) s = compute (store, o, "segments");
  SdCustomerMap *map;

  if (s == NULL)
    return SD_EXIT_FAILED;
  map = s->map;
  if (o->json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "model", map->model);
      sd_json_writer_member_int (w, "k", map->k);
      sd_json_writer_member_bool (w, "k_chosen", map->k_chosen);
      sd_json_writer_member_fixed (w, "silhouette", map->silhouette, 4);
      sd_json_writer_member_int (w, "customers", map->n_customers);
      sd_json_writer_member_int (w, "revenue_cents", s->revenue_cents);
      sd_json_writer_key (w, "map");
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "points", map->n_points);
      sd_json_writer_member_string (w, "shown", map->chose_layout ? "neighbours" : "pca");
      sd_json_writer_member_fixed (w, "knn_recall_pca", map->recall_pca, 4);
      sd_json_writer_member_fixed (w, "knn_recall_neighbours", map->recall_layout, 4);
      sd_json_writer_end_object (w);
      sd_json_writer_key (w, "clusters");
      sd_json_writer_begin_array (w);
      for (guint c = 0; c < s->profiles->len; c++)
        {
          SdSegmentProfile *p = g_ptr_array_index (s->profiles, c);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "id", p->id);
          sd_json_writer_member_string (w, "name", p->name);
          sd_json_writer_member_string (w, "name_en", p->name_en);
          sd_json_writer_member_string (w, "name_zh", p->name_zh);
          sd_json_writer_member_bool (w, "renamed", p->renamed);
          sd_json_writer_member_int (w, "size", p->size);
          sd_json_writer_member_fixed (w, "customer_share", p->customer_share, 4);
          sd_json_writer_member_int (w, "revenue_cents", p->revenue_cents);
          sd_json_writer_member_fixed (w, "revenue_share", p->revenue_share, 4);
          sd_json_writer_member_int (w, "orders", p->orders);
          sd_json_writer_member_int (w, "aov_cents", p->aov_cents);
          sd_json_writer_member_fixed (w, "orders_per_customer", p->orders_per_customer, 3);
          sd_json_writer_member_fixed (w, "recency_days", p->recency_days, 1);
          write_traits (w, "top_categories", p->top_categories, FALSE);
          write_traits (w, "top_products", p->top_products, TRUE);
          write_traits (w, "top_words", p->top_words, FALSE);
          write_traits (w, "countries", p->countries, FALSE);
          write_traits (w, "tiers", p->tiers, FALSE);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
      return SD_EXIT_OK;
    }

  g_autofree char *currency = sd_shop_currency (store);
  g_autofree char *mapped = sd_format_count (map->n_customers);

  /* TRANSLATORS: `segments`: "6 clusters (chosen by the silhouette) of 4,338 customers, model map; …" */
  printf (_("%u clusters (%s) of %s customers, model %s; silhouette %.3f\n"), map->k,
          map->k_chosen ? _("chosen by the silhouette") : _("as asked"), mapped, map->model, map->silhouette);
  printf (_("Map: 10-NN recall %.3f for PCA, %.3f for the neighbour layout; showing %s\n"),
          map->recall_pca, map->recall_layout, map->chose_layout ? _("the neighbour layout") : "PCA");
  for (guint c = 0; c < s->profiles->len; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (s->profiles, c);
      g_autofree char *name = sd_cli_printable (p->name);
      GPtrArray *taste = s->has_categories ? p->top_categories : p->top_words;
      g_autofree char *size = sd_format_count (p->size);
      g_autofree char *aov = sd_format_money (p->aov_cents, currency);

      /* TRANSLATORS: `segments`: "1,234 customers (28.2 %), 41.0 % of revenue, AOV £512.30, …" */
      printf (_("\n%2u  %s\n    %s customers (%.1f %%), %.1f %% of revenue, AOV %s, %.2f orders each, last order %.0f days ago (median)\n"),
              p->id, name, size, 100 * p->customer_share, 100 * p->revenue_share, aov,
              p->orders_per_customer, p->recency_days);
      printf (_("    buys more than the shop:"));
      for (guint t = 0; t < taste->len; t++)
        {
          SdSegmentTrait *trait = g_ptr_array_index (taste, t);
          g_autofree char *label = sd_cli_printable (trait->label);
          /* TRANSLATORS: `segments`: between the items of a list, "Shoes ×5.1, Clothing ×3.7" */
          printf ("%s %s ×%.1f", t ? _(",") : "", label, trait->lift);
        }
      printf (_("\n    countries:"));
      for (guint t = 0; t < p->countries->len; t++)
        {
          SdSegmentTrait *trait = g_ptr_array_index (p->countries, t);
          g_autofree char *label = sd_cli_printable (trait->label);
          double whole = floor (100 * trait->share + 0.5);

          /* a country that is there never reads as 0 % */
          if (trait->share > 0 && whole < 1)
            printf ("%s %s <1 %%", t ? _(",") : "", label);
          else
            printf ("%s %s %.0f %%", t ? _(",") : "", label, whole);
        }
      printf ("\n");
    }
  return SD_EXIT_OK;
}

static int
print_csv (SdStore      *store,
           const gint64 *ids,
           gsize         n,
           const char   *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = sd_audience_csv (store, ids, n, &error);

  if (csv == NULL)
    {
      sd_cli_print_error (command, error);
      return SD_EXIT_FAILED;
    }
  fputs (csv, stdout);
  return SD_EXIT_OK;
}

/* The members @o names: a saved audience, a cluster or an RFM group. */
static GArray *
members_of (SdStore       *store,
            const Options *o,
            const char    *command,
            char         **source,
            char         **definition)
{
  g_autoptr(GError) error = NULL;

  if (o->segment)
    {
      g_autoptr(SdAudience) a = sd_audience_find (store, o->segment, &error);
      GArray *ids;
      if (a == NULL || !(ids = sd_audience_members (store, a->id, &error)))
        {
          sd_cli_print_error (command, error);
          return NULL;
        }
      return ids;
    }
  if (o->rfm)
    {
      g_autoptr(SdRfm) rfm = NULL;
      SdRfmGroup group;
      if (!sd_rfm_group_from_id (o->rfm, &group))
        {
          fprintf (stderr, _("shopdesk-cli %s: unknown RFM group “%s” (see “segments rfm”)\n"), command, o->rfm);
          return NULL;
        }
      if (!(rfm = sd_rfm_compute (store, NULL, &error)))
        {
          sd_cli_print_error (command, error);
          return NULL;
        }
      if (source)
        *source = g_strdup ("rfm");
      if (definition)
        *definition = g_strdup_printf ("{\"rfm\": \"%s\"}", sd_rfm_group_id (group));
      return sd_rfm_members (rfm, group, 0, 0);
    }
  if (o->cluster >= 0)
    {
      g_autoptr(SdSegments) s = compute (store, o, command);
      if (s == NULL)
        return NULL;
      if (o->cluster >= s->map->k)
        {
          fprintf (stderr, _("shopdesk-cli %s: there are clusters 0 to %u, not %" PRId64 "\n"),
                   command, s->map->k - 1, o->cluster);
          return NULL;
        }
      if (source)
        *source = g_strdup ("cluster");
      if (definition)
        *definition = sd_segments_definition (s, (guint) o->cluster);
      return sd_segments_members (s, (guint) o->cluster);
    }
  fprintf (stderr, _("shopdesk-cli %s: say which customers: --cluster ID, --segment NAME|ID or --rfm GROUP\n"), command);
  return NULL;
}

static int
segments_save (SdStore       *store,
               const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL, *definition = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  if (o->name == NULL || o->segment || (o->cluster < 0) == (o->rfm == NULL))
    {
      fprintf (stderr, _("shopdesk-cli segments save: --name N and one of --cluster ID or --rfm GROUP are required\n"));
      return SD_EXIT_USAGE;
    }
  if (!(ids = members_of (store, o, "segments save", &source, &definition)))
    return SD_EXIT_FAILED;
  id = sd_audience_save (store, o->name, source, definition, o->recompute, (gint64 *) ids->data, ids->len, &error);
  if (id < 0)
    {
      sd_cli_print_error ("segments save", error);
      return SD_EXIT_FAILED;
    }
  if (o->json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "id", id);
      sd_json_writer_member_string (w, "name", o->name);
      sd_json_writer_member_int (w, "customers", ids->len);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    printf (_("Saved audience %" PRId64 " with %u customers\n"), id, ids->len);
  return SD_EXIT_OK;
}

static int
segments_list (SdStore       *store,
               const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = sd_audience_list (store, &error);
  g_autoptr(SdJsonWriter) w = NULL;

  if (list == NULL)
    {
      sd_cli_print_error ("segments list", error);
      return SD_EXIT_FAILED;
    }
  if (o->json)
    {
      w = sd_json_writer_new ();
      sd_json_writer_begin_array (w);
    }
  for (guint i = 0; i < list->len; i++)
    {
      SdAudience *a = g_ptr_array_index (list, i);
      if (o->json)
        {
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "id", a->id);
          sd_json_writer_member_string (w, "name", a->name);
          sd_json_writer_member_string (w, "source", a->source);
          if (a->definition)
            {
              sd_json_writer_key (w, "definition");
              sd_json_writer_raw (w, a->definition);
            }
          sd_json_writer_member_string (w, "refresh", a->recompute ? "recompute" : "frozen");
          sd_json_writer_member_int (w, "customers", a->n_members);
          sd_json_writer_member_int (w, "updated_at", a->updated_at);
          sd_json_writer_end_object (w);
        }
      else
        {
          g_autofree char *name = sd_cli_printable (a->name);
          g_autofree char *members = sd_format_count (a->n_members);
          g_autofree char *members_col = sd_cli_column (members, -6);
          printf ("%4" G_GINT64_FORMAT "  %-30s %-8s %-9s %s customers\n", a->id, name, a->source,
                  a->recompute ? "recompute" : "frozen", members_col);
        }
    }
  if (o->json)
    {
      sd_json_writer_end_array (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (list->len == 0)
    printf (_("No saved audiences yet. Save one with “shopdesk-cli segments save --cluster ID --name NAME”.\n"));
  return SD_EXIT_OK;
}

static int
segments_rfm (SdStore       *store,
              const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRfm) rfm = sd_rfm_compute (store, NULL, &error);

  if (rfm == NULL)
    {
      sd_cli_print_error ("segments rfm", error);
      return SD_EXIT_FAILED;
    }
  if (o->json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "customers", rfm->n_customers);
      sd_json_writer_member_int (w, "revenue_cents", rfm->revenue_cents);
      sd_json_writer_member_int (w, "now", rfm->now);
      {
        g_autofree char *empty = sd_rfm_describe_empty_frequency (rfm);

        if (empty)
          sd_json_writer_member_string (w, "empty_frequency_note", empty);
      }
      sd_json_writer_key (w, "groups");
      sd_json_writer_begin_array (w);
      for (guint g = 0; g < SD_RFM_N_GROUPS; g++)
        {
          const SdRfmStats *s = &rfm->groups[g];
          sd_json_writer_begin_object (w);
          sd_json_writer_member_string (w, "id", sd_rfm_group_id (g));
          sd_json_writer_member_string (w, "name", sd_rfm_group_title (g));
          sd_json_writer_member_int (w, "customers", s->customers);
          sd_json_writer_member_fixed (w, "share", rfm->n_customers ? (double) s->customers / rfm->n_customers : 0, 4);
          sd_json_writer_member_int (w, "revenue_cents", s->revenue_cents);
          sd_json_writer_member_fixed (w, "revenue_share", rfm->revenue_cents ? (double) s->revenue_cents / rfm->revenue_cents : 0, 4);
          sd_json_writer_member_fixed (w, "recency_days", s->recency_days, 1);
          sd_json_writer_member_fixed (w, "orders", s->orders, 2);
          sd_json_writer_member_int (w, "spend_cents", (gint64) llround (s->spend_cents));
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_key (w, "cells");
      sd_json_writer_begin_array (w);
      for (guint r = 1; r <= 5; r++)
        for (guint f = 1; f <= 5; f++)
          {
            const SdRfmStats *s = &rfm->cells[r - 1][f - 1];
            sd_json_writer_begin_object (w);
            sd_json_writer_member_int (w, "r", r);
            sd_json_writer_member_int (w, "f", f);
            sd_json_writer_member_string (w, "group", sd_rfm_group_id (sd_rfm_group_at (r, f)));
            sd_json_writer_member_int (w, "customers", s->customers);
            sd_json_writer_member_int (w, "spend_cents", (gint64) llround (s->spend_cents));
            sd_json_writer_end_object (w);
          }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
      return SD_EXIT_OK;
    }
  g_autofree char *currency = sd_shop_currency (store);
  g_autofree char *with_orders = sd_format_count (rfm->n_customers);

  printf (_("%s customers with orders\n"), with_orders);
  for (guint g = 0; g < SD_RFM_N_GROUPS; g++)
    {
      const SdRfmStats *s = &rfm->groups[g];
      g_autofree char *title = sd_cli_pad (sd_rfm_group_title (g), 22);
      g_autofree char *customers = sd_format_count (s->customers);
      g_autofree char *spend = sd_format_money ((gint64) llround (s->spend_cents), currency);
      g_autofree char *customers_col = sd_cli_column (customers, -6);
      g_autofree char *spend_col = sd_cli_column (spend, -13);

      /* TRANSLATORS: `segments rfm`: one group, "  Champions  1,234  55.0 % of revenue  … £1,730.52 spent" */
      printf (_("  %s %s  %5.1f %% of revenue  last order %5.0f days ago  %5.2f orders  %s spent\n"),
              title, customers_col,
              rfm->revenue_cents ? 100.0 * s->revenue_cents / rfm->revenue_cents : 0,
              s->recency_days, s->orders, spend_col);
    }
  {
    g_autofree char *empty = sd_rfm_describe_empty_frequency (rfm);

    if (empty)
      printf ("%s\n", empty);
  }
  return SD_EXIT_OK;
}

/* The profiles' sizes, orders and revenue with differential privacy. The clusters' generated
 * names are left out (they are computed from the members' purchases): a segment is shown by
 * its number, or by the name a merchandiser gave it. */
static int
segments_private (SdStore           *store,
                  const Options     *o,
                  const SdDpOptions *options)
{
  g_autoptr(SdSegments) s = compute (store, o, "segments");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdDpReport) report = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) members = NULL;

  if (s == NULL)
    return SD_EXIT_FAILED;
  names = g_ptr_array_new_with_free_func (g_free);
  members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint c = 0; c < s->profiles->len; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (s->profiles, c);

      g_ptr_array_add (names, p->renamed ? g_strdup (p->name) : g_strdup_printf (_("Segment %u"), p->id));
      g_ptr_array_add (members, sd_segments_members (s, p->id));
    }
  if (!(report = sd_dp_report_groups (store, options, (const char *const *) names->pdata,
                                      (GArray **) members->pdata, names->len, &error)))
    {
      sd_cli_print_error ("segments", error);
      return g_error_matches (error, SD_ERROR, SD_ERROR_INVALID_INPUT) ? SD_EXIT_USAGE : SD_EXIT_FAILED;
    }
  if (o->json)
    {
      g_autofree char *text = sd_dp_report_to_json (report);
      printf ("%s\n", text);
    }
  else
    sd_cli_dp_print (report);
  return SD_EXIT_OK;
}

int
sd_cli_segments (SdCliGlobal  *global,
                 int           argc,
                 char        **argv)
{
  Options o = { 0, .cluster = -1 };
  int k = 0;
  g_auto(SdCliDp) dp = { NULL };
  GOptionEntry entries[] = {
    SD_CLI_DP_ENTRIES (&dp),
    { "k", 0, 0, G_OPTION_ARG_INT, &k, N_("Clusters (default: chosen by the silhouette, 2 to 12)"), "N" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &o.model, N_("Taste from: als (the stored ALS model, default) or map (a small model made for the map)"), "ID" },
    { "cluster", 0, 0, G_OPTION_ARG_INT64, &o.cluster, N_("The cluster to save, export or rename"), "ID" },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &o.segment, N_("A saved audience to export or delete"), "NAME|ID" },
    { "rfm", 0, 0, G_OPTION_ARG_STRING, &o.rfm, N_("An RFM group to save or export (champions, loyal, at-risk, …)"), "GROUP" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o.name, N_("The audience's name (save) or the cluster's (rename)"), "NAME" },
    { "recompute", 0, 0, G_OPTION_ARG_NONE, &o.recompute, N_("Save: find the members again each time segments are computed (default: frozen)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &o.csv, N_("Export: a header, then one external customer id per line"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  const char *action = "show";
  int status;

  if (!sd_cli_parse ("segments", _("show | profiles | save | list | export | rename | delete | rfm: customer segments (show, the default) and audiences"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 2)
    {
      fprintf (stderr, _("shopdesk-cli segments: unexpected argument “%s”\n"), argv[2]);
      return SD_EXIT_USAGE;
    }
  if (argc == 2)
    action = argv[1];
  if (strcmp (action, "profiles") == 0)
    action = "show";
  if (!g_strv_contains ((const char *[]) { "show", "save", "list", "export", "rename", "delete", "rfm", NULL }, action))
    {
      fprintf (stderr, _("shopdesk-cli segments: unknown action “%s”\n"), action);
      return SD_EXIT_USAGE;
    }
  if (k < 0 || k == 1 || k > 100)
    {
      fprintf (stderr, _("shopdesk-cli segments: --k is 2 to 100\n"));
      return SD_EXIT_USAGE;
    }
  o.k = (guint) k;
  if (dp.epsilon && strcmp (action, "show") != 0)
    {
      fprintf (stderr, _("shopdesk-cli segments %s: --dp is for the profiles (segments profiles --dp EPSILON)\n"), action);
      return SD_EXIT_USAGE;
    }
  if (dp.epsilon)
    {
      SdDpOptions options;

      if (!sd_cli_dp_options ("segments", &dp, &options))
        return SD_EXIT_USAGE;
      if (!(store = sd_cli_open_store (global)))
        return SD_EXIT_FAILED;
      status = segments_private (store, &o, &options);
      g_free (o.model);
      return status;
    }
  if (!(store = g_strv_contains ((const char *[]) { "save", "rename", "delete", NULL }, action)
                ? sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)
                : sd_cli_open_store (global)))
    return SD_EXIT_FAILED;

  if (strcmp (action, "save") == 0)
    status = segments_save (store, &o);
  else if (strcmp (action, "list") == 0)
    status = segments_list (store, &o);
  else if (strcmp (action, "rfm") == 0)
    status = segments_rfm (store, &o);
  else if (strcmp (action, "export") == 0)
    {
      g_autoptr(GArray) ids = NULL;
      if ((o.segment != NULL) + (o.rfm != NULL) + (o.cluster >= 0) != 1)
        {
          fprintf (stderr, _("shopdesk-cli segments export: say which customers: one of --cluster ID, --segment NAME|ID or --rfm GROUP\n"));
          status = SD_EXIT_USAGE;
        }
      else
        {
          ids = members_of (store, &o, "segments export", NULL, NULL);
          status = ids ? print_csv (store, (gint64 *) ids->data, ids->len, "segments export") : SD_EXIT_FAILED;
        }
    }
  else if (strcmp (action, "delete") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdAudience) a = o.segment ? sd_audience_find (store, o.segment, &error) : NULL;
      if (o.segment == NULL)
        {
          fprintf (stderr, _("shopdesk-cli segments delete: --segment NAME|ID is required\n"));
          status = SD_EXIT_USAGE;
        }
      else if (a == NULL || !sd_audience_delete (store, a->id, &error))
        {
          sd_cli_print_error ("segments delete", error);
          status = SD_EXIT_FAILED;
        }
      else
        status = SD_EXIT_OK;
    }
  else if (strcmp (action, "rename") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdSegments) s = NULL;
      if (o.cluster < 0 || o.name == NULL)
        {
          fprintf (stderr, _("shopdesk-cli segments rename: --cluster ID and --name NAME are required (an empty name restores the generated one)\n"));
          status = SD_EXIT_USAGE;
        }
      else if (!(s = compute (store, &o, "segments rename")))
        status = SD_EXIT_FAILED;
      else if (o.cluster >= s->map->k)
        {
          fprintf (stderr, _("shopdesk-cli segments rename: there are clusters 0 to %u\n"), s->map->k - 1);
          status = SD_EXIT_USAGE;
        }
      else if (!sd_segments_rename (store, s->map->model, s->map->k, (guint) o.cluster, o.name, &error))
        {
          sd_cli_print_error ("segments rename", error);
          status = SD_EXIT_FAILED;
        }
      else
        status = SD_EXIT_OK;
    }
  else
    status = segments_show (store, &o);

  g_free (o.model);
  g_free (o.name);
  g_free (o.segment);
  g_free (o.rfm);
  return status;
}
