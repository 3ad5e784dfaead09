/* sd-customer-privacy.h — a customer's rights: to see what the shop holds, to be forgotten
 *
 * Export (the right of access): everything the shop holds about one customer as JSON, one
 * array of whole rows per table that names them (customers, orders and their lines and
 * coupon codes, events, chat tests, coupon redemptions, audiences, sync keys).
 *
 * Forget (the right to erasure), in one transaction with `PRAGMA secure_delete` on: the
 * customers row keeps only its place (external id “forgotten-ROWID”, every other field
 * emptied, so stored models keep their shape), their orders lose the customer and the
 * country, their events, audience memberships, chat tests (theirs, or any whose transcript
 * names them) and chat corrections that name them are deleted, their name, e-mail and id
 * are cut out of the shop's free text (run summaries, import reports, settings, rule
 * versions, notes), their own rows leave stored model blobs (sd_recommender_forget_user),
 * models that learnt from them are marked for retraining, a tombstone keeps importers and
 * syncs from bringing them back (sd-erasure.h), and the audit log gets a line of counts.
 * After the commit the WAL is checkpointed (TRUNCATE), the file VACUUMed and checkpointed
 * again, so no freed page or old frame keeps their bytes.
 */
#pragma once

#include "sd-job.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* The export as JSON text (pretty enough to read: one row per line is not promised). */
char     *sd_customer_export_json  (SdStore       *store,
                                    gint64         customer_id,
                                    GError       **error);

typedef struct {
  gint64   orders_unlinked;
  gint64   events;
  gint64   chat_tests;
  gint64   chat_corrections;
  gint64   audience_memberships;
  gint64   coupon_redemptions;
  gint64   sync_rows;
  gint64   texts_scrubbed;     /* free-text fields their name, e-mail or id was cut out of */
  gint64   models_scrubbed;    /* blobs whose rows of theirs were dropped */
  gint64   models_marked;      /* models marked for retraining */
  gboolean vacuumed;           /* FALSE when another connection kept VACUUM from running */
} SdErasureReport;

/* Forgets @customer_id (see above). @job (nullable) gets progress; @cancellable stops it
 * before the commit with nothing changed. SD_ERROR_NOT_FOUND for no such customer,
 * SD_ERROR_INVALID_INPUT for one already forgotten. */
gboolean  sd_customer_forget       (SdStore          *store,
                                    gint64            customer_id,
                                    SdJob            *job,
                                    GCancellable     *cancellable,
                                    SdErasureReport  *report,
                                    GError          **error);
/* The report as JSON, for the CLI and the audit log: counts only. */
char     *sd_erasure_report_to_json (const SdErasureReport *report);
/* A job forgetting @customer_id in the shop at @path on its own connection; its data is
 * the SdErasureReport once finished. */
SdJob    *sd_customer_forget_job_new (const char *path,
                                      gint64      customer_id);
const SdErasureReport *sd_customer_forget_job_get_report (SdJob *job);

/* Models marked for retraining since a customer was forgotten: the reason, or NULL. */
char     *sd_model_retraining_reason (SdStore    *store,
                                      gint64      model_id);

G_END_DECLS
