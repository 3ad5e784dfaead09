/* sd-audience.h — saved groups of customers ("audiences"), kept in the shop
 *
 * A merchandiser saves a cluster of taste, a lasso on the map or an RFM cell under a name,
 * to target it with a coupon rule (condition "in_segment") or export it. Members are
 * stored; an audience marked "recompute" gets its members again from its definition each
 * time the segments or the RFM grid are computed (sd_segments_refresh_audiences()), a
 * frozen one keeps them. ("Segment" already means a customer's tier, hence the name.)
 */
#pragma once

#include <gio/gio.h>

#include "sd-json.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64    id;
  char     *name;
  char     *source;       /* "cluster", "lasso", "rfm" or "list" */
  char     *definition;   /* JSON: {"model": "als:3", "k": 9, "cluster": 2}, {"rfm": "champions"}, … */
  gboolean  recompute;    /* members found again on refresh; FALSE: frozen */
  gint64    created_at;
  gint64    updated_at;
  gint64    n_members;
} SdAudience;

void        sd_audience_free          (SdAudience  *audience);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdAudience, sd_audience_free)

/* Every audience, by name. */
GPtrArray  *sd_audience_list          (SdStore      *store,
                                       GError      **error);
/* The audience called @key (any case), else the one whose id @key is; SD_ERROR_NOT_FOUND
 * naming @key when there is none. */
SdAudience *sd_audience_find          (SdStore      *store,
                                       const char   *key,
                                       GError      **error);
/* Saves a new audience with @n members (customers.id), in one transaction. A name that is
 * empty or taken is refused (SD_ERROR_INVALID_INPUT) and nothing is written. Returns the
 * new id, or -1. */
gint64      sd_audience_save          (SdStore      *store,
                                       const char   *name,
                                       const char   *source,
                                       const char   *definition,
                                       gboolean      recompute,
                                       const gint64 *customer_ids,
                                       gsize         n,
                                       GError      **error);
/* Replaces the members of audience @id, in one transaction. */
gboolean    sd_audience_set_members   (SdStore      *store,
                                       gint64        id,
                                       const gint64 *customer_ids,
                                       gsize         n,
                                       GError      **error);
gboolean    sd_audience_delete        (SdStore      *store,
                                       gint64        id,
                                       GError      **error);
/* The members' customers.id, ascending. */
GArray     *sd_audience_members       (SdStore      *store,
                                       gint64        id,
                                       GError      **error);
/* The members (customers.id) an audience's @definition names now, or NULL when it names
 * nothing this computation knows (another model, k, …): that audience is left as it is. */
typedef GArray *(*SdAudienceMembersFunc) (SdJsonNode *definition,
                                          gpointer    user_data);
/* Gives every audience of @source saved with "recompute" the members @members_for finds
 * for its definition; counts them in @n_refreshed. */
gboolean    sd_audience_refresh       (SdStore               *store,
                                       const char            *source,
                                       SdAudienceMembersFunc  members_for,
                                       gpointer               user_data,
                                       guint                 *n_refreshed,
                                       GError               **error);
/* CSV: a header "customer_id", then one external id per line in the order of @ids. */
char       *sd_audience_csv           (SdStore      *store,
                                       const gint64 *customer_ids,
                                       gsize         n,
                                       GError      **error);

G_END_DECLS
