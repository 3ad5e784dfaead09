/* sd-pca.c — principal component analysis via the covariance's eigenvectors */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <cblas.h>
#include <math.h>

#include "sd-error.h"
#include "sd-pca.h"

/* LAPACK's Fortran entry point: lapacke.h would add a library for one call. */
extern void dsyev_ (const char *jobz, const char *uplo, const int *n, double *a,
                    const int *lda, double *w, double *work, const int *lwork, int *info);

gboolean
sd_pca_project (const double  *data,
                gsize          n,
                guint          d,
                guint          n_components,
                double        *out,
                double        *explained,
                GError       **error)
{
  g_autofree double *centred = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *cov = NULL;
  g_autofree double *eigenvalues = NULL;
  g_autofree double *work = NULL;
  double query = 0, total = 0;
  int nd = (int) d, lwork = -1, info = 0;

  g_return_val_if_fail (data != NULL && out != NULL, FALSE);

  if (n < 2 || d == 0 || n_components == 0 || n_components > d)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("A principal component analysis needs at least two rows and at most as many "
                   "components as columns (got %zu rows, %u columns, %u components)"),
                   n, d, n_components);
      return FALSE;
    }

  mean = g_new0 (double, d);
  for (gsize i = 0; i < n; i++)
    for (guint j = 0; j < d; j++)
      mean[j] += data[i * d + j];
  for (guint j = 0; j < d; j++)
    mean[j] /= (double) n;
  centred = g_new (double, n * d);
  for (gsize i = 0; i < n; i++)
    for (guint j = 0; j < d; j++)
      centred[i * d + j] = data[i * d + j] - mean[j];

  /* The upper triangle of XᵀX / (n − 1), row-major; LAPACK reads it column-major as the
   * lower triangle of the same symmetric matrix. */
  cov = g_new0 (double, (gsize) d * d);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, nd, (int) n,
               1.0 / (double) (n - 1), centred, nd, 0.0, cov, nd);

  eigenvalues = g_new (double, d);
  dsyev_ ("V", "L", &nd, cov, &nd, eigenvalues, &query, &lwork, &info);
  lwork = info == 0 ? (int) query : 3 * nd;
  work = g_new (double, MAX (lwork, 1));
  dsyev_ ("V", "L", &nd, cov, &nd, eigenvalues, work, &lwork, &info);
  if (info != 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The eigen-decomposition of the covariance did not converge (LAPACK dsyev info %d)"),
                   info);
      return FALSE;
    }

  for (guint j = 0; j < d; j++)
    total += MAX (eigenvalues[j], 0.0);

  /* Eigenvalues come in ascending order; eigenvector j is column j, contiguous. */
  for (guint c = 0; c < n_components; c++)
    {
      guint col = d - 1 - c;
      double *axis = cov + (gsize) col * d;
      guint biggest = 0;

      for (guint j = 1; j < d; j++)
        if (fabs (axis[j]) > fabs (axis[biggest]))
          biggest = j;
      if (axis[biggest] < 0)
        for (guint j = 0; j < d; j++)
          axis[j] = -axis[j];
      if (explained)
        explained[c] = total > 0 ? MAX (eigenvalues[col], 0.0) / total : 0.0;
      for (gsize i = 0; i < n; i++)
        out[i * n_components + c] = cblas_ddot (nd, centred + i * d, 1, axis, 1);
    }
  return TRUE;
}
