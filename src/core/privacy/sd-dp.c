/* sd-dp.c — differentially private counts and sums */
#include "config.h"

#include <math.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "sd-dp.h"
#include "sd-error.h"
#include "sd-random.h"

struct _SdDpRelease
{
  SdDpMechanism mechanism;
  double        epsilon, delta, threshold;
  guint         n_queries, answered;
};

const char *
sd_dp_mechanism_to_string (SdDpMechanism mechanism)
{
  return mechanism == SD_DP_GAUSSIAN ? "gaussian" : "laplace";
}

gboolean
sd_dp_mechanism_from_string (const char    *text,
                             SdDpMechanism *out)
{
  if (g_strcmp0 (text, "laplace") == 0)
    *out = SD_DP_LAPLACE;
  else if (g_strcmp0 (text, "gaussian") == 0)
    *out = SD_DP_GAUSSIAN;
  else
    return FALSE;
  return TRUE;
}

double
sd_dp_uniform (void)
{
  guint64 bits;

  /* 53 random bits, shifted by half a step: never exactly 0 or 1, so logs stay finite. */
  /* No fallback to a seeded generator: whoever knew its seed could subtract the noise. */
  if (!sd_secure_random ((guint8 *) &bits, sizeof bits, NULL))
    g_error ("no secure random source (getrandom and /dev/urandom both failed)");
  return ((double) (bits >> 11) + 0.5) / 9007199254740992.0;
}

double
sd_dp_laplace (double scale)
{
  double u = sd_dp_uniform () - 0.5;

  return -scale * (u < 0 ? -1.0 : 1.0) * log (1.0 - 2.0 * fabs (u));
}

double
sd_dp_gaussian (double sigma)
{
  /* Box–Muller; the second value is dropped to keep draws independent of call order. */
  double u1 = sd_dp_uniform (), u2 = sd_dp_uniform ();

  return sigma * sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

double
sd_dp_clamp (double value,
             double bound)
{
  if (!(value > 0))
    return 0;
  return value > bound ? bound : value;
}

SdDpRelease *
sd_dp_release_new (SdDpMechanism  mechanism,
                   double         epsilon,
                   double         delta,
                   guint          n_queries,
                   double         threshold,
                   GError       **error)
{
  SdDpRelease *release;

  if (!isfinite (epsilon) || epsilon <= 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("ε must be a number above 0 (got %g)"), epsilon);
      return NULL;
    }
  if (n_queries == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("A private release needs at least one query to spend ε on"));
      return NULL;
    }
  if (!isfinite (threshold) || threshold < 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The suppression threshold must be 0 or more (got %g)"), threshold);
      return NULL;
    }
  if (mechanism == SD_DP_GAUSSIAN)
    {
      if (!(delta > 0 && delta < 1))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("Gaussian noise needs δ between 0 and 1 (got %g)"), delta);
          return NULL;
        }
      if (epsilon / n_queries > 1)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("Gaussian noise is calibrated for ε up to 1 per query; %g over %u queries is %g each: use Laplace noise or a smaller ε"),
                       epsilon, n_queries, epsilon / n_queries);
          return NULL;
        }
    }
  else
    delta = 0;

  release = g_new0 (SdDpRelease, 1);
  release->mechanism = mechanism;
  release->epsilon = epsilon;
  release->delta = delta;
  release->n_queries = n_queries;
  release->threshold = threshold;
  return release;
}

void
sd_dp_release_free (SdDpRelease *release)
{
  g_free (release);
}

SdDpMechanism sd_dp_release_mechanism (SdDpRelease *r) { return r->mechanism; }
double sd_dp_release_epsilon (SdDpRelease *r) { return r->epsilon; }
double sd_dp_release_delta (SdDpRelease *r) { return r->delta; }
double sd_dp_release_threshold (SdDpRelease *r) { return r->threshold; }
guint  sd_dp_release_n_queries (SdDpRelease *r) { return r->n_queries; }
guint  sd_dp_release_answered (SdDpRelease *r) { return r->answered; }
double sd_dp_release_query_epsilon (SdDpRelease *r) { return r->epsilon / r->n_queries; }
double sd_dp_release_query_delta (SdDpRelease *r) { return r->delta / r->n_queries; }

double
sd_dp_release_spent (SdDpRelease *release)
{
  return release->answered == release->n_queries
         ? release->epsilon : sd_dp_release_query_epsilon (release) * release->answered;
}

double
sd_dp_release_scale (SdDpRelease *release,
                     double       sensitivity)
{
  double eps = sd_dp_release_query_epsilon (release);

  if (release->mechanism == SD_DP_GAUSSIAN)
    return sensitivity * sqrt (2.0 * log (1.25 / sd_dp_release_query_delta (release))) / eps;
  return sensitivity / eps;
}

static double
noise (SdDpRelease *release,
       double       sensitivity)
{
  double scale = sd_dp_release_scale (release, sensitivity);

  return release->mechanism == SD_DP_GAUSSIAN ? sd_dp_gaussian (scale) : sd_dp_laplace (scale);
}

static gboolean
spend (SdDpRelease  *release,
       GError      **error)
{
  if (release->answered >= release->n_queries)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_TOO_LARGE,
                   _("The privacy budget of this release (ε = %g over %u queries) is spent"),
                   release->epsilon, release->n_queries);
      return FALSE;
    }
  release->answered++;
  return TRUE;
}

gboolean
sd_dp_release_cells (SdDpRelease   *release,
                     const double  *values,
                     guint          n,
                     double         sensitivity,
                     double        *noisy,
                     GError       **error)
{
  g_return_val_if_fail (release != NULL, FALSE);
  g_return_val_if_fail (sensitivity > 0, FALSE);

  if (!spend (release, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    noisy[i] = values[i] + noise (release, sensitivity);
  return TRUE;
}

gboolean
sd_dp_release_count (SdDpRelease  *release,
                     double        count,
                     double       *noisy,
                     GError      **error)
{
  return sd_dp_release_cells (release, &count, 1, 1.0, noisy, error);
}

gboolean
sd_dp_release_sum (SdDpRelease  *release,
                   double        clamped_sum,
                   double        bound,
                   double       *noisy,
                   GError      **error)
{
  return sd_dp_release_cells (release, &clamped_sum, 1, bound, noisy, error);
}

gboolean
sd_dp_release_suppress (SdDpRelease *release,
                        double       noisy_count)
{
  return !(noisy_count >= release->threshold);
}
