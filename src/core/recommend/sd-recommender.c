/* sd-recommender.c — what every recommendation model shares: registry, parameters,
 * filters and top-N, save/load, epoch reports */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-json.h"
#include "sd-json-writer.h"
#include "sd-number-format.h"
#include "sd-recommender.h"

/* sd-recommenders.c: the table of model types, one line per model. */
extern GType (* const sd_recommender_types[]) (void);

typedef struct {
  SdInteractions *train;
  SdCatalog      *catalog;
  double          fit_seconds;
  gboolean        fitted;
} SdRecommenderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SdRecommender, sd_recommender, G_TYPE_OBJECT)

/* ---- reasons ------------------------------------------------------------------------- */

void
sd_reason_free (SdReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->terms);
  g_free (reason);
}

static const char *
item_title (SdCatalog *catalog,
            guint      item,
            char       buf[64])
{
  if (catalog && item < catalog->n_items && catalog->items[item].title)
    return catalog->items[item].title;
  /* TRANSLATORS: an item without a title, by its number in the model */
  g_snprintf (buf, 64, _("item #%u"), item);
  return buf;
}

/* A share of the score from which one history item is most of the reason; and under
 * which, behind a weightier one, it is too small a part to be worth a line. */
#define MOSTLY_SHARE 0.5
#define MINOR_SHARE  0.1

/* In the user's language: the Recommendations page shows these beside each item, in
 * Chinese too, and the CLI prints them. Numbers in the user's locale, as on screen. */
char *
sd_reason_describe (const SdReason *reason,
                    SdCatalog      *catalog)
{
  char buf[64];

  g_return_val_if_fail (reason != NULL, NULL);

  switch (reason->kind)
    {
    case SD_REASON_SIMILAR_ITEM:
      if (reason->share >= MOSTLY_SHARE)
        /* TRANSLATORS: why an item is recommended: an item the customer bought gives most
         * of the reason, "mostly because they bought Red Mug" */
        return g_strdup_printf (_("mostly because they bought %s"), item_title (catalog, reason->item, buf));
      if (reason->share > 0)
        /* TRANSLATORS: why an item is recommended: an item the customer bought gives part
         * of the reason, "partly because they bought Red Mug" */
        return g_strdup_printf (_("partly because they bought %s"), item_title (catalog, reason->item, buf));
      {
        g_autofree char *alike = sd_format_share (CLAMP (reason->weight, 0.0, 1.0));
        /* TRANSLATORS: why an item is recommended: an item the customer bought, and how alike
         * the two are, "bought Red Mug (42 % alike)" */
        return g_strdup_printf (_("bought %s (%s alike)"), item_title (catalog, reason->item, buf), alike);
      }
    case SD_REASON_SIMILAR_USERS:
      /* TRANSLATORS: why an item is recommended: how many customers of alike taste bought it */
      return g_strdup_printf (_("customers like you (%u) bought it"), reason->count);
    case SD_REASON_CONTENT:
      {
        g_auto(GStrv) terms = g_strsplit (reason->terms ? reason->terms : "", ",", -1);
        g_autoptr(GString) words = g_string_new (NULL);

        for (guint i = 0; terms[i]; i++)
          /* TRANSLATORS: one matched word in a list of them, quoted */
          g_string_append_printf (words, i ? _(", '%s'") : _("'%s'"), g_strstrip (terms[i]));
        if (reason->item != G_MAXUINT)
          /* TRANSLATORS: why an item is recommended: the words it shares with an item the customer has */
          return g_strdup_printf (_("matches %s like %s"), words->str, item_title (catalog, reason->item, buf));
        /* TRANSLATORS: why an item is recommended: the words it shares with the customer's items */
        return g_strdup_printf (_("matches %s"), words->str);
      }
    case SD_REASON_FACTOR:
      if (reason->share >= MOSTLY_SHARE)
        /* TRANSLATORS: why an item is recommended: an item of the customer's history gives
         * most of the reason, "mostly because of Red Mug" */
        return g_strdup_printf (_("mostly because of %s"), item_title (catalog, reason->item, buf));
      if (reason->share > 0)
        /* TRANSLATORS: why an item is recommended: an item of the customer's history gives
         * part of the reason, "partly because of Red Mug" */
        return g_strdup_printf (_("partly because of %s"), item_title (catalog, reason->item, buf));
      /* TRANSLATORS: why an item is recommended: an item of the customer's history the model
       * finds much like it (BPR: no share of the score to tell) */
      return g_strdup_printf (_("because of %s, much like it"), item_title (catalog, reason->item, buf));
    case SD_REASON_POPULAR:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "popular: bought by %u customer",
                                           "popular: bought by %u customers", reason->count),
                              reason->count);
    default:
      return g_strdup (_("recommended"));
    }
}

const char *
sd_reason_kind_name (SdReasonKind kind)
{
  switch (kind)
    {
    case SD_REASON_SIMILAR_ITEM:  return "similar_item";
    case SD_REASON_SIMILAR_USERS: return "similar_users";
    case SD_REASON_CONTENT:       return "content";
    case SD_REASON_FACTOR:        return "factor";
    case SD_REASON_POPULAR:       return "popular";
    default:                      return "other";
    }
}

char *
sd_reason_describe_numbers (const SdReason *reason)
{
  char weight[G_ASCII_DTOSTR_BUF_SIZE], share[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (reason != NULL, NULL);
  /* For experts, in '.' decimals as --json writes them: the model's own measure. */
  g_ascii_formatd (weight, sizeof weight, "%.4g", reason->weight);
  g_ascii_formatd (share, sizeof share, "%.3f", reason->share);
  switch (reason->kind)
    {
    case SD_REASON_SIMILAR_ITEM:
      return reason->share > 0 ? g_strdup_printf ("similarity %s, share %s", weight, share)
                               : g_strdup_printf ("similarity %s", weight);
    case SD_REASON_FACTOR:
      return reason->share > 0 ? g_strdup_printf ("contribution %s, share %s", weight, share)
                               : g_strdup_printf ("weight %s", weight);
    case SD_REASON_SIMILAR_USERS:
    case SD_REASON_POPULAR:
      return g_strdup_printf ("customers %u", reason->count);
    case SD_REASON_CONTENT:
    default:
      return g_strdup_printf ("weight %s", weight);
    }
}

void
sd_reasons_set_shares (GPtrArray *reasons,
                       double     total)
{
  for (guint i = 0; reasons && i < reasons->len; i++)
    {
      SdReason *reason = g_ptr_array_index (reasons, i);
      reason->share = total > 0 && isfinite (total) ? CLAMP (reason->weight / total, 0.0, 1.0) : 0;
    }
}

static int
compare_share (gconstpointer a,
               gconstpointer b)
{
  const SdReason *ra = *(SdReason *const *) a, *rb = *(SdReason *const *) b;

  return (rb->share > ra->share) - (rb->share < ra->share);
}

void
sd_reasons_for_people (GPtrArray *reasons)
{
  if (reasons == NULL)
    return;
  /* Reasons without a share (similar customers, matched words, a blend's mix) keep the
   * model's order and all their lines. */
  for (guint i = 0; i < reasons->len; i++)
    if (!(((SdReason *) g_ptr_array_index (reasons, i))->share > 0))
      return;
  g_ptr_array_sort (reasons, compare_share);
  for (guint i = reasons->len; i-- > 1;)
    if (((SdReason *) g_ptr_array_index (reasons, i))->share < MINOR_SHARE)
      g_ptr_array_remove_index (reasons, i);
}

/* ---- the type ------------------------------------------------------------------------ */

static void
sd_recommender_finalize (GObject *object)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (SD_RECOMMENDER (object));

  g_clear_pointer (&priv->train, sd_interactions_unref);
  g_clear_pointer (&priv->catalog, sd_catalog_unref);
  G_OBJECT_CLASS (sd_recommender_parent_class)->finalize (object);
}

static GPtrArray *
sd_recommender_real_explain (SdRecommender *self,
                             guint          user,
                             guint          item,
                             guint          max)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
}

static void
sd_recommender_class_init (SdRecommenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_recommender_finalize;
  klass->explain = sd_recommender_real_explain;
}

static void
sd_recommender_init (SdRecommender *self)
{
}

/* ---- registry ------------------------------------------------------------------------ */

static const char **
registry_names (void)
{
  static const char **names;

  if (g_once_init_enter (&names))
    {
      GPtrArray *list = g_ptr_array_new ();
      for (guint i = 0; sd_recommender_types[i]; i++)
        {
          SdRecommenderClass *klass = g_type_class_ref (sd_recommender_types[i] ());
          g_ptr_array_add (list, (gpointer) klass->name);
          /* Classes stay alive for the life of the process anyway. */
        }
      g_ptr_array_add (list, NULL);
      g_once_init_leave (&names, (const char **) g_ptr_array_free (list, FALSE));
    }
  return names;
}

const char **
sd_recommender_list_names (void)
{
  return registry_names ();
}

SdRecommender *
sd_recommender_new (const char  *name,
                    GError     **error)
{
  const char **names = registry_names ();
  g_autofree char *known = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; names[i]; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return g_object_new (sd_recommender_types[i] (), NULL);

  known = g_strjoinv (", ", (char **) names);
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("Unknown model “%s”; the models are: %s"), name, known);
  return NULL;
}

const char *
sd_recommender_get_summary (SdRecommender *self)
{
  const char *summary;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  summary = SD_RECOMMENDER_GET_CLASS (self)->summary;
  return summary ? _(summary) : "";
}

const char *
sd_recommender_get_name (SdRecommender *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  return SD_RECOMMENDER_GET_CLASS (self)->name;
}

const char *
sd_recommender_get_label (SdRecommender *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  return SD_RECOMMENDER_GET_CLASS (self)->label;
}

/* ---- parameters ---------------------------------------------------------------------- */

static gboolean
is_hyperparameter (GParamSpec *pspec)
{
  return (pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE &&
         !(pspec->flags & G_PARAM_CONSTRUCT_ONLY) &&
         g_type_is_a (pspec->owner_type, SD_TYPE_RECOMMENDER) &&
         pspec->owner_type != SD_TYPE_RECOMMENDER;
}

static gboolean
range_error (GParamSpec  *pspec,
             const char  *value,
             GError     **error)
{
  char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

  if (G_IS_PARAM_SPEC_INT (pspec))
    {
      g_snprintf (lo, sizeof lo, "%d", G_PARAM_SPEC_INT (pspec)->minimum);
      g_snprintf (hi, sizeof hi, "%d", G_PARAM_SPEC_INT (pspec)->maximum);
    }
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      g_snprintf (lo, sizeof lo, "%u", G_PARAM_SPEC_UINT (pspec)->minimum);
      g_snprintf (hi, sizeof hi, "%u", G_PARAM_SPEC_UINT (pspec)->maximum);
    }
  else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    {
      g_snprintf (lo, sizeof lo, "%g", G_PARAM_SPEC_DOUBLE (pspec)->minimum);
      g_snprintf (hi, sizeof hi, "%g", G_PARAM_SPEC_DOUBLE (pspec)->maximum);
    }
  else if (G_IS_PARAM_SPEC_FLOAT (pspec))
    {
      g_snprintf (lo, sizeof lo, "%g", (double) G_PARAM_SPEC_FLOAT (pspec)->minimum);
      g_snprintf (hi, sizeof hi, "%g", (double) G_PARAM_SPEC_FLOAT (pspec)->maximum);
    }
  else
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s cannot be “%s”"), pspec->name, value);
      return FALSE;
    }
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("%s must be between %s and %s, got %s"), pspec->name, lo, hi, value);
  return FALSE;
}

static gboolean
parse_value (GParamSpec  *pspec,
             const char  *str,
             GValue      *value,
             GError     **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  const char *what;

  g_value_init (value, type);

  if (type == G_TYPE_INT || type == G_TYPE_UINT || type == G_TYPE_INT64 || type == G_TYPE_UINT64)
    {
      gint64 v;
      if (!g_ascii_string_to_signed (str, 10, G_MININT64, G_MAXINT64, &v, NULL))
        {
          what = _("a whole number");
          goto bad;
        }
      if (type == G_TYPE_INT)
        {
          if (v < G_MININT || v > G_MAXINT)
            return range_error (pspec, str, error);
          g_value_set_int (value, (int) v);
        }
      else if (type == G_TYPE_UINT)
        {
          if (v < 0 || v > G_MAXUINT)
            return range_error (pspec, str, error);
          g_value_set_uint (value, (guint) v);
        }
      else if (type == G_TYPE_INT64)
        g_value_set_int64 (value, v);
      else
        {
          if (v < 0)
            return range_error (pspec, str, error);
          g_value_set_uint64 (value, (guint64) v);
        }
    }
  else if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
    {
      char *end = NULL;
      double v = g_ascii_strtod (str, &end);
      if (end == str || *end != '\0' || !isfinite (v))
        {
          what = _("a number");
          goto bad;
        }
      if (type == G_TYPE_DOUBLE)
        g_value_set_double (value, v);
      else
        g_value_set_float (value, (float) v);
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      if (!g_ascii_strcasecmp (str, "true") || !g_ascii_strcasecmp (str, "yes") || !strcmp (str, "1"))
        g_value_set_boolean (value, TRUE);
      else if (!g_ascii_strcasecmp (str, "false") || !g_ascii_strcasecmp (str, "no") || !strcmp (str, "0"))
        g_value_set_boolean (value, FALSE);
      else
        {
          what = _("true or false");
          goto bad;
        }
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *ev = g_enum_get_value_by_nick (klass, str);
      if (!ev)
        ev = g_enum_get_value_by_name (klass, str);
      if (!ev)
        {
          g_autoptr(GString) nicks = g_string_new (NULL);
          for (guint i = 0; i < klass->n_values; i++)
            g_string_append_printf (nicks, "%s%s", i ? ", " : "", klass->values[i].value_nick);
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("%s must be one of %s, got %s"), pspec->name, nicks->str, str);
          return FALSE;
        }
      g_value_set_enum (value, ev->value);
    }
  else if (type == G_TYPE_STRING)
    g_value_set_string (value, str);
  else
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   _("%s cannot be set from text"), pspec->name);
      return FALSE;
    }

  /* Validation clamps an out-of-range value; a change means the value was refused. */
  if (g_param_value_validate (pspec, value))
    return range_error (pspec, str, error);
  return TRUE;

bad:
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("%s must be %s, got “%s”"), pspec->name, what, str);
  return FALSE;
}

gboolean
sd_recommender_set_param (SdRecommender  *self,
                          const char     *key,
                          const char     *value,
                          GError        **error)
{
  GParamSpec *pspec;
  g_auto(GValue) v = G_VALUE_INIT;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  canonical = g_strdelimit (g_strdup (key), "_", '-');
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), canonical);
  if (!pspec || !is_hyperparameter (pspec))
    {
      g_autofree char *json = sd_recommender_params_to_json (self);
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("%s has no parameter “%s”; its parameters are %s"),
                   sd_recommender_get_name (self), key, json);
      return FALSE;
    }
  if (!parse_value (pspec, value, &v, error))
    return FALSE;
  g_object_set_property (G_OBJECT (self), pspec->name, &v);
  return TRUE;
}

static void
write_json_value (SdJsonWriter *w,
                  const GValue *v)
{
  GType type = G_VALUE_TYPE (v);

  if (type == G_TYPE_INT)
    sd_json_writer_int (w, g_value_get_int (v));
  else if (type == G_TYPE_UINT)
    sd_json_writer_int (w, g_value_get_uint (v));
  else if (type == G_TYPE_INT64)
    sd_json_writer_int (w, g_value_get_int64 (v));
  else if (type == G_TYPE_UINT64)
    sd_json_writer_double (w, (double) g_value_get_uint64 (v));
  else if (type == G_TYPE_DOUBLE)
    sd_json_writer_double (w, g_value_get_double (v));
  else if (type == G_TYPE_FLOAT)
    sd_json_writer_float (w, g_value_get_float (v));
  else if (type == G_TYPE_BOOLEAN)
    sd_json_writer_bool (w, g_value_get_boolean (v));
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (v));
      sd_json_writer_string (w, ev ? ev->value_nick : "");
    }
  else if (type == G_TYPE_STRING)
    sd_json_writer_string (w, g_value_get_string (v) ? g_value_get_string (v) : "");
  else
    sd_json_writer_null (w);
}

char *
sd_recommender_params_to_json (SdRecommender *self)
{
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr(SdJsonWriter) w = NULL;
  guint n = 0;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);

  w = sd_json_writer_new ();
  sd_json_writer_begin_object (w);
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) v = G_VALUE_INIT;
      if (!is_hyperparameter (pspecs[i]))
        continue;
      g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
      g_object_get_property (G_OBJECT (self), pspecs[i]->name, &v);
      sd_json_writer_key (w, pspecs[i]->name);
      write_json_value (w, &v);
    }
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (g_steal_pointer (&w));
}

/* Reads back what params_to_json wrote (in this or an older spacing): one flat object of
 * numbers, booleans and strings, each set as if typed as KEY=VALUE. */
static gboolean
params_from_json (SdRecommender  *self,
                  const char     *json,
                  GError        **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(SdJsonNode) root = sd_json_parse (json, -1, "params", &local);

  if (root == NULL || sd_json_node_get_node_type (root) != SD_JSON_OBJECT)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("The saved parameters of this model are damaged: %s"),
                   local ? local->message : _("not an object"));
      return FALSE;
    }
  for (guint i = 0; i < sd_json_node_get_length (root); i++)
    {
      const char *key = sd_json_node_get_member_name (root, i);
      SdJsonNode *node = sd_json_node_get_member (root, key);
      g_autofree char *value = NULL;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      switch (sd_json_node_get_node_type (node))
        {
        case SD_JSON_STRING:
          value = g_strdup (sd_json_node_get_string (node));
          break;
        case SD_JSON_NUMBER:
          value = g_strdup (g_ascii_dtostr (buf, sizeof buf, sd_json_node_get_number (node)));
          break;
        case SD_JSON_BOOL:
          value = g_strdup (sd_json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("The saved parameter “%s” of this model is damaged"), key);
          return FALSE;
        }
      if (!sd_recommender_set_param (self, key, value, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- catalog, train, fit ------------------------------------------------------------- */

void
sd_recommender_set_catalog (SdRecommender *self,
                            SdCatalog     *catalog)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);

  g_return_if_fail (SD_IS_RECOMMENDER (self));

  if (catalog)
    sd_catalog_ref (catalog);
  g_clear_pointer (&priv->catalog, sd_catalog_unref);
  priv->catalog = catalog;
}

SdCatalog *
sd_recommender_get_catalog (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  return priv->catalog;
}

SdInteractions *
sd_recommender_get_train (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  return priv->train;
}

static void
set_train (SdRecommender  *self,
           SdInteractions *train)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);

  sd_interactions_ref (train);
  g_clear_pointer (&priv->train, sd_interactions_unref);
  priv->train = train;
}

gboolean
sd_recommender_fit (SdRecommender      *self,
                    SdInteractions     *train,
                    const SdFitContext *context,
                    GError            **error)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  SdFitContext empty = { NULL };
  gint64 start;
  gboolean ok;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);
  g_return_val_if_fail (train != NULL, FALSE);

  if (context == NULL)
    context = &empty;
  if (g_cancellable_set_error_if_cancelled (context->cancellable, error))
    return FALSE;
  if (train->n_items == 0 || train->n_users == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("There is nothing to learn from: the shop has %u customers and %u products"),
                   train->n_users, train->n_items);
      return FALSE;
    }

  priv->fitted = FALSE;
  set_train (self, train);
  start = g_get_monotonic_time ();
  ok = SD_RECOMMENDER_GET_CLASS (self)->fit (self, train, context, error);
  priv->fit_seconds = (g_get_monotonic_time () - start) / 1e6;
  priv->fitted = ok;
  if (context->job && ok)
    sd_job_set_progress (context->job, 1.0, NULL);
  return ok;
}

double
sd_recommender_get_fit_seconds (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), 0.0);
  return priv->fit_seconds;
}

gboolean
sd_recommender_is_fitted (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);
  return priv->fitted;
}

gboolean
sd_recommender_report_epoch (SdRecommender      *self,
                             const SdFitContext *context,
                             int                 epoch,
                             int                 n_epochs,
                             double              loss,
                             GError            **error)
{
  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);

  if (context && context->job)
    {
      g_autofree char *text = NULL;

      /* The progress panel's line: in the user's language, the loss as the locale writes
       * numbers ("1,003,250", not "1.00325e+06") */
      if (isnan (loss) && n_epochs <= 1)
        /* TRANSLATORS: training progress of a model fitted in one go (kNN, EASE, a blend),
         * which has neither epochs nor a loss to show */
        text = g_strdup (_("Trained in one pass"));
      else if (isnan (loss))
        /* TRANSLATORS: training progress */
        text = g_strdup_printf (_("Epoch %d of %d"), epoch, n_epochs);
      else
        {
          g_autofree char *value = fabs (loss) >= 100 ? sd_format_count ((gint64) llround (loss))
                                                      : sd_format_decimal (loss, 4);
          /* TRANSLATORS: training progress; the last %s is the loss, a number */
          text = g_strdup_printf (_("Epoch %d of %d, loss %s"), epoch, n_epochs, value);
        }
      if (!isnan (loss))
        sd_job_metric (context->job, epoch, "loss", loss);
      sd_job_set_progress (context->job, n_epochs > 0 ? CLAMP ((double) epoch / n_epochs, 0.0, 1.0) : 0.0, text);
    }
  if (context && context->epoch_done)
    {
      /* The callback scores with the model as it is now, so mark it usable. */
      SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
      gboolean was = priv->fitted;
      priv->fitted = TRUE;
      context->epoch_done (self, epoch, loss, context->user_data);
      priv->fitted = was;
    }
  if (context && g_cancellable_set_error_if_cancelled (context->cancellable, error))
    return FALSE;
  return TRUE;
}

/* ---- scoring and top-N --------------------------------------------------------------- */

void
sd_recommender_score (SdRecommender *self,
                      guint          user,
                      float         *scores)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);

  g_return_if_fail (SD_IS_RECOMMENDER (self));
  g_return_if_fail (priv->fitted);
  g_return_if_fail (user < priv->train->n_users);

  SD_RECOMMENDER_GET_CLASS (self)->score (self, user, scores);
}

/* TRUE when a ranks below b; ties go to the lower index so results are reproducible. */
static inline gboolean
ranks_below (const SdScoredItem *a,
             const SdScoredItem *b)
{
  return a->score < b->score || (a->score == b->score && a->item > b->item);
}

static void
sift_down (SdScoredItem *heap,
           guint         n,
           guint         i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && ranks_below (&heap[l], &heap[m]))
        m = l;
      if (r < n && ranks_below (&heap[r], &heap[m]))
        m = r;
      if (m == i)
        return;
      SdScoredItem t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
}

static int
compare_best_first (const void *a,
                    const void *b)
{
  const SdScoredItem *x = a, *y = b;
  if (ranks_below (x, y))
    return 1;
  if (ranks_below (y, x))
    return -1;
  return 0;
}

GArray *
sd_top_n (const float *scores,
          guint        n_items,
          guint        n)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (SdScoredItem), MIN (n, n_items));
  SdScoredItem *heap;
  guint size = 0;

  if (n == 0)
    return out;
  heap = (SdScoredItem *) out->data;
  /* A min-heap of the best n so far: O(n_items log n) instead of a full sort. */
  for (guint i = 0; i < n_items; i++)
    {
      SdScoredItem cand = { i, scores[i] };
      if (isnan (scores[i]) || scores[i] == -INFINITY)
        continue;
      if (size < n)
        {
          guint j = size++;
          heap[j] = cand;
          while (j > 0 && ranks_below (&heap[j], &heap[(j - 1) / 2]))
            {
              SdScoredItem t = heap[j];
              heap[j] = heap[(j - 1) / 2];
              heap[(j - 1) / 2] = t;
              j = (j - 1) / 2;
            }
        }
      else if (ranks_below (&heap[0], &cand))
        {
          heap[0] = cand;
          sift_down (heap, size, 0);
        }
    }
  g_array_set_size (out, size);
  if (size > 1)
    qsort (out->data, size, sizeof (SdScoredItem), compare_best_first);
  return out;
}

void
sd_recommender_apply_filter (SdRecommender     *self,
                             guint              user,
                             const SdRecFilter *filter,
                             float             *scores)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  SdInteractions *train = priv->train;
  SdCatalog *catalog = priv->catalog;
  SdRecFilter defaults = { .exclude_seen = TRUE };

  if (filter == NULL)
    filter = &defaults;

  if (filter->exclude_seen && user < train->n_users)
    for (gsize k = train->indptr[user]; k < train->indptr[user + 1]; k++)
      scores[train->indices[k]] = -INFINITY;

  if (catalog && catalog->n_items == train->n_items)
    {
      float lo = INFINITY, hi = -INFINITY, shift;
      gboolean recategorise = filter->boost_category || filter->bury_category;

      /* Whatever the filter: a product the shop does not sell cannot be offered. */
      for (guint i = 0; i < train->n_items; i++)
        if (catalog->items[i].off_sale || (filter->exclude_out_of_stock && catalog->items[i].stock == 0))
          scores[i] = -INFINITY;

      if (!recategorise)
        return;
      for (guint i = 0; i < train->n_items; i++)
        if (isfinite (scores[i]))
          {
            lo = MIN (lo, scores[i]);
            hi = MAX (hi, scores[i]);
          }
      if (!(hi >= lo))
        return;
      /* Relative to the score range, so a boost means the same for every model's scale. */
      shift = (float) ((filter->boost > 0.0 ? filter->boost : 0.5) * (hi > lo ? hi - lo : MAX (fabsf (hi), 1.0f)));
      for (guint i = 0; i < train->n_items; i++)
        {
          const char *cat = catalog->items[i].category;
          if (!cat || !isfinite (scores[i]))
            continue;
          if (filter->boost_category && g_strcmp0 (cat, filter->boost_category) == 0)
            scores[i] += shift;
          if (filter->bury_category && g_strcmp0 (cat, filter->bury_category) == 0)
            scores[i] -= shift;
        }
    }
}

GArray *
sd_recommender_recommend (SdRecommender     *self,
                          guint              user,
                          guint              n,
                          const SdRecFilter *filter)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_autofree float *scores = NULL;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  g_return_val_if_fail (priv->fitted, NULL);
  g_return_val_if_fail (user < priv->train->n_users, NULL);

  scores = g_new (float, priv->train->n_items);
  SD_RECOMMENDER_GET_CLASS (self)->score (self, user, scores);
  sd_recommender_apply_filter (self, user, filter, scores);
  return sd_top_n (scores, priv->train->n_items, n);
}

GPtrArray *
sd_recommender_explain (SdRecommender *self,
                        guint          user,
                        guint          item,
                        guint          max)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  g_return_val_if_fail (priv->fitted, NULL);
  g_return_val_if_fail (user < priv->train->n_users && item < priv->train->n_items, NULL);

  return SD_RECOMMENDER_GET_CLASS (self)->explain (self, user, item, max);
}

/* ---- save and load ------------------------------------------------------------------- */

/* Blob: "SDRM", format version, then length-prefixed name and parameter JSON, the matrix
 * shape the state belongs to, then the subclass's state. Little-endian 32-bit fields. */
#define BLOB_MAGIC "SDRM"
#define BLOB_VERSION 1

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static gboolean
get_u32 (const guint8 **p,
         const guint8  *end,
         guint32       *v)
{
  guint32 le;
  if (end - *p < 4)
    return FALSE;
  memcpy (&le, *p, 4);
  *v = GUINT32_FROM_LE (le);
  *p += 4;
  return TRUE;
}

/* Everything before the subclass's state. */
static GByteArray *
blob_head (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  GByteArray *out = g_byte_array_new ();
  g_autofree char *params = sd_recommender_params_to_json (self);
  const char *name = sd_recommender_get_name (self);

  g_byte_array_append (out, (const guint8 *) BLOB_MAGIC, 4);
  put_u32 (out, BLOB_VERSION);
  put_u32 (out, strlen (name));
  g_byte_array_append (out, (const guint8 *) name, strlen (name));
  put_u32 (out, strlen (params));
  g_byte_array_append (out, (const guint8 *) params, strlen (params));
  put_u32 (out, priv->train->n_users);
  put_u32 (out, priv->train->n_items);
  return out;
}

gsize
sd_recommender_saved_size (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  SdRecommenderClass *klass;
  g_autoptr(GByteArray) head = NULL;
  gsize size = 0;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), 0);
  g_return_val_if_fail (priv->fitted, 0);

  klass = SD_RECOMMENDER_GET_CLASS (self);
  head = blob_head (self);
  if (sd_recommender_saves_in_pieces (self))
    size = klass->state_size (self);
  else
    {
      g_autoptr(GBytes) state = klass->save (self);

      size = state ? g_bytes_get_size (state) : 0;
    }
  return head->len + size;
}

gboolean
sd_recommender_save_to (SdRecommender          *self,
                        SdRecommenderWriteFunc  write,
                        gpointer                user_data,
                        GError                **error)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  SdRecommenderClass *klass;
  g_autoptr(GByteArray) head = NULL;
  g_autoptr(GBytes) state = NULL;
  gsize size = 0;
  gconstpointer data;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);
  g_return_val_if_fail (priv->fitted, FALSE);

  klass = SD_RECOMMENDER_GET_CLASS (self);
  head = blob_head (self);
  if (!write (head->data, head->len, user_data, error))
    return FALSE;
  if (sd_recommender_saves_in_pieces (self))
    return klass->write_state (self, write, user_data, error);
  state = klass->save (self);
  data = state ? g_bytes_get_data (state, &size) : NULL;
  return size == 0 || write (data, size, user_data, error);
}

gboolean
sd_recommender_append_to_array (gconstpointer   data,
                                gsize           size,
                                gpointer        byte_array,
                                GError        **error)
{
  g_byte_array_append (byte_array, data, size);
  return TRUE;
}

gboolean
sd_recommender_saves_in_pieces (SdRecommender *self)
{
  SdRecommenderClass *klass;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), FALSE);

  klass = SD_RECOMMENDER_GET_CLASS (self);
  return klass->state_size != NULL && klass->write_state != NULL;
}

GBytes *
sd_recommender_save (SdRecommender *self)
{
  SdRecommenderPrivate *priv = sd_recommender_get_instance_private (self);
  g_autoptr(GByteArray) out = NULL;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  g_return_val_if_fail (priv->fitted, NULL);

  /* sized once: a state made by save() would be made twice to learn its size */
  out = sd_recommender_saves_in_pieces (self)
        ? g_byte_array_sized_new (sd_recommender_saved_size (self)) : g_byte_array_new ();
  if (!sd_recommender_save_to (self, sd_recommender_append_to_array, out, NULL))
    g_return_val_if_reached (NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
sd_recommender_forget_user (SdRecommender *self,
                            guint          user)
{
  SdRecommenderClass *klass = SD_RECOMMENDER_GET_CLASS (self);

  if (klass->forget_user == NULL)
    return FALSE;
  klass->forget_user (self, user);
  return TRUE;
}

/* The header of a blob: its model's name (may be NULL) and matrix shape. */
static gboolean
blob_header (GBytes  *blob,
             char   **name,
             guint   *n_users,
             guint   *n_items)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size), *p = data, *end = data + size;
  guint32 version, len, users, items;

  if (size < 8 || memcmp (p, BLOB_MAGIC, 4) != 0)
    return FALSE;
  p += 4;
  if (!get_u32 (&p, end, &version))
    return FALSE;
  /* the name, then the parameters */
  for (int field = 0; field < 2; field++)
    {
      if (!get_u32 (&p, end, &len) || (gsize) (end - p) < len)
        return FALSE;
      if (field == 0 && name)
        *name = g_strndup ((const char *) p, len);
      p += len;
    }
  if (!get_u32 (&p, end, &users) || !get_u32 (&p, end, &items))
    {
      if (name)
        g_clear_pointer (name, g_free);
      return FALSE;
    }
  *n_users = users;
  *n_items = items;
  return TRUE;
}

gboolean
sd_recommender_blob_shape (GBytes *blob,
                           guint  *n_users,
                           guint  *n_items)
{
  return blob_header (blob, NULL, n_users, n_items);
}

GBytes *
sd_recommender_blob_forget_user (GBytes    *blob,
                                 guint      user,
                                 gboolean  *changed,
                                 GError   **error)
{
  SdInteractionsBuilder *builder;
  g_autoptr(SdInteractions) shape = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdRecommender) kind = NULL;
  g_autofree char *name = NULL;
  guint n_users, n_items;

  *changed = FALSE;
  if (!blob_header (blob, &name, &n_users, &n_items))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("The saved model is damaged or not a Shopdesk model"));
      return NULL;
    }
  /* A model that keeps nothing per user (EASE, item kNN, …) is not worth loading. */
  if (user >= n_users || !(kind = sd_recommender_new (name, NULL)) ||
      SD_RECOMMENDER_GET_CLASS (kind)->forget_user == NULL)
    return g_bytes_ref (blob);
  /* An empty matrix of the blob's shape: loading checks only the shape. */
  builder = sd_interactions_builder_new ();
  for (guint u = 0; u < n_users; u++)
    sd_interactions_builder_add_user (builder, u);
  for (guint i = 0; i < n_items; i++)
    sd_interactions_builder_add_item (builder, i);
  shape = sd_interactions_builder_build (builder);
  if (!(model = sd_recommender_load (blob, shape, error)))
    return NULL;
  if (!sd_recommender_forget_user (model, user))
    return g_bytes_ref (blob);
  *changed = TRUE;
  return sd_recommender_save (model);
}

SdRecommender *
sd_recommender_load (GBytes          *blob,
                     SdInteractions  *train,
                     GError         **error)
{
  g_autoptr(SdRecommender) self = NULL;
  g_autoptr(GBytes) state = NULL;
  g_autofree char *name = NULL;
  g_autofree char *params = NULL;
  SdRecommenderPrivate *priv;
  gsize size;
  const guint8 *data, *p, *end;
  guint32 version, len, n_users, n_items;

  g_return_val_if_fail (blob != NULL, NULL);
  g_return_val_if_fail (train != NULL, NULL);

  data = g_bytes_get_data (blob, &size);
  p = data;
  end = data + size;
  if (size < 8 || memcmp (p, BLOB_MAGIC, 4) != 0)
    goto damaged;
  p += 4;
  if (!get_u32 (&p, end, &version))
    goto damaged;
  if (version != BLOB_VERSION)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   _("The saved model has format version %u; this Shopdesk reads version %u. Train it again."),
                   version, BLOB_VERSION);
      return NULL;
    }
  if (!get_u32 (&p, end, &len) || (gsize) (end - p) < len)
    goto damaged;
  name = g_strndup ((const char *) p, len);
  p += len;
  if (!get_u32 (&p, end, &len) || (gsize) (end - p) < len)
    goto damaged;
  params = g_strndup ((const char *) p, len);
  p += len;
  if (!get_u32 (&p, end, &n_users) || !get_u32 (&p, end, &n_items))
    goto damaged;

  if (n_users != train->n_users || n_items != train->n_items)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The saved %s model was trained on %u customers and %u products, but the shop "
                   "now has %u and %u; train it again"),
                   name, n_users, n_items, train->n_users, train->n_items);
      return NULL;
    }
  if (!(self = sd_recommender_new (name, error)))
    return NULL;
  if (!params_from_json (self, params, error))
    return NULL;

  priv = sd_recommender_get_instance_private (self);
  set_train (self, train);
  state = g_bytes_new_from_bytes (blob, p - data, end - p);
  if (!SD_RECOMMENDER_GET_CLASS (self)->load (self, state, error))
    return NULL;
  priv->fitted = TRUE;
  return g_steal_pointer (&self);

damaged:
  g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
               _("The saved model is damaged or not a Shopdesk model (%zu bytes)"), size);
  return NULL;
}

GArray *
sd_recommender_similar_by_holders (SdRecommender *self,
                                   guint          item,
                                   guint          n,
                                   guint          max_users)
{
  SdInteractions *train = sd_recommender_get_train (self);
  g_autoptr(GArray) holders = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree float *scores = NULL;
  g_autofree float *sum = NULL;
  guint step, used = 0;

  g_return_val_if_fail (SD_IS_RECOMMENDER (self), NULL);
  if (train == NULL || item >= train->n_items)
    return g_array_new (FALSE, FALSE, sizeof (SdScoredItem));

  for (guint u = 0; u < train->n_users; u++)
    for (gsize c = train->indptr[u]; c < train->indptr[u + 1]; c++)
      if (train->indices[c] == item)
        {
          g_array_append_val (holders, u);
          break;
        }
  scores = g_new (float, train->n_items);
  sum = g_new0 (float, train->n_items);
  step = max_users > 0 && holders->len > max_users ? holders->len / max_users : 1;
  for (guint h = 0; h < holders->len; h += step)
    {
      float lo = INFINITY, hi = -INFINITY;

      sd_recommender_score (self, g_array_index (holders, guint, h), scores);
      for (guint i = 0; i < train->n_items; i++)
        if (isfinite (scores[i]))
          {
            lo = MIN (lo, scores[i]);
            hi = MAX (hi, scores[i]);
          }
      if (!(hi > lo))
        continue;
      for (guint i = 0; i < train->n_items; i++)
        if (isfinite (scores[i]))
          sum[i] += (scores[i] - lo) / (hi - lo);
      used++;
    }
  if (used == 0)
    return g_array_new (FALSE, FALSE, sizeof (SdScoredItem));
  for (guint i = 0; i < train->n_items; i++)
    sum[i] /= used;
  sum[item] = -INFINITY;
  return sd_top_n (sum, train->n_items, n);
}
