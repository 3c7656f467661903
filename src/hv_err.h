/* Error codes returned by core functions (negative) and success (0). */
#ifndef HV_ERR_H
#define HV_ERR_H

enum hv_err {
	HV_OK = 0,
	HV_EINVAL = -1, /* malformed argument */
	HV_ENOMEM = -2, /* a budget ran out */
	HV_EEXIST = -3, /* already present / overlaps */
	HV_ENOENT = -4, /* nothing there */
	HV_ERANGE = -5, /* outside the supported range */
};

#endif
