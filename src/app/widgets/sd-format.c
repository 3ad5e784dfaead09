/* sd-format.c — numbers, money, dates and event kinds as people read them */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-format.h"
#include "sd-rfm.h"

PangoAttrList *
sd_format_word_attributes (const char *text)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  const char *word = NULL;

  g_return_val_if_fail (text != NULL, attrs);
  for (const char *p = text;; p = g_utf8_next_char (p))
    {
      gboolean space = *p == '\0' || g_unichar_isspace (g_utf8_get_char (p));

      if (!space && word == NULL)
        word = p;
      else if (space && word != NULL)
        {
          /* a run of one character has nothing inside to break */
          if (g_utf8_next_char (word) < p)
            {
              PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);
              keep->start_index = (guint) (word - text);
              keep->end_index = (guint) (p - text);
              pango_attr_list_insert (attrs, keep);
            }
          word = NULL;
        }
      if (*p == '\0')
        break;
    }
  return attrs;
}

void
sd_format_label_keep_words (GtkLabel   *label,
                            const char *text)
{
  PangoAttrList *attrs;

  g_return_if_fail (GTK_IS_LABEL (label));
  attrs = sd_format_word_attributes (text ? text : "");
  gtk_label_set_text (label, text ? text : "");
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

/* Names iso-codes does not know, as real shops' exports write them (Online Retail's): a
 * country under another name, or a place that is not one, which Shopdesk names itself. */
static const struct {
  const char *stored;
  const char *iso;   /* iso-codes' name of the same country */
  const char *own;   /* else Shopdesk's, in context "country" */
} spellings[] = {
  { "EIRE", "Ireland", NULL },
  { "RSA", "South Africa", NULL },
  { "USA", "United States", NULL },
  { "UK", "United Kingdom", NULL },
  { "Channel Islands", NULL, NC_("country", "Channel Islands") },
  { "European Community", NULL, NC_("country", "European Community") },
  { "Unspecified", NULL, NC_("country", "Unspecified") },
};

const char *
sd_format_country (const char *country)
{
  static gsize bound;
  static const char *const header = "";   /* a variable: xgettext takes "" for the catalogue header */

  if (country == NULL || *country == '\0')
    return country;
  /* iso-codes' catalogue of country names, in the system's locale folder (the flatpak
   * runtime has it too); where it is missing the name stays as stored. */
  if (g_once_init_enter (&bound))
    {
      bind_textdomain_codeset ("iso_3166-1", "UTF-8");
      g_once_init_leave (&bound, 1);
    }
  /* Only where Shopdesk itself speaks the user's language (its catalogue's header is found):
   * German country names in an English window would be a mix. Not g_dgettext, which
   * decides that once per process. */
  if (*dgettext (GETTEXT_PACKAGE, header) == '\0')
    return country;
  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    if (g_str_equal (country, spellings[i].stored))
      return spellings[i].iso ? dgettext ("iso_3166-1", spellings[i].iso)
                              : g_dpgettext2 (GETTEXT_PACKAGE, "country", spellings[i].own);
  return dgettext ("iso_3166-1", country);
}


char *
sd_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0 || !(dt = g_date_time_new_from_unix_utc (unix_seconds)))
    return g_strdup ("—");
  /* TRANSLATORS: a date and time as g_date_time_format() writes it, the date as in
   * "%-d %b %Y": "1 Dec 2010 08:26" */
  return g_date_time_format (dt, _("%-d %b %Y %H:%M"));
}

const char *
sd_format_order_status (const char *status)
{
  static const struct { const char *status, *label; } labels[] = {
    { "paid", N_("Paid") }, { "shipped", N_("Shipped") }, { "delivered", N_("Delivered") },
    { "cancelled", N_("Cancelled") }, { "refunded", N_("Refunded") }, { "pending", N_("Pending") },
  };

  for (guint i = 0; status && i < G_N_ELEMENTS (labels); i++)
    if (g_ascii_strcasecmp (status, labels[i].status) == 0)
      return _(labels[i].label);
  return status ? status : "—";
}

const char *
sd_format_segment (const char *segment)
{
  return sd_rfm_segment_title (segment);
}

const char *
sd_format_event_kind (SdEventKind kind)
{
  switch (kind)
    {
    case SD_EVENT_VIEW:     return _("View");
    case SD_EVENT_CART:     return _("Added to cart");
    case SD_EVENT_PURCHASE: return _("Purchase");
    case SD_EVENT_REVIEW:   return _("Review");
    case SD_N_EVENT_KINDS:
    default:                return "";
    }
}

const char *
sd_format_stars (int rating)
{
  static const char *const stars[] = {
    "★☆☆☆☆", "★★☆☆☆", "★★★☆☆", "★★★★☆", "★★★★★",
  };

  if (rating < 1 || rating > 5)
    return "";
  return stars[rating - 1];
}
