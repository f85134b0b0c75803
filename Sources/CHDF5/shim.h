#ifndef DSC_CHDF5_SHIM_H
#define DSC_CHDF5_SHIM_H
#include <hdf5.h>

/* HDF5's type and property constants are macros that call H5open(); Swift cannot import them. */
static inline hid_t dsc_h5t_native_float(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t dsc_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t dsc_h5t_native_int8(void)   { return H5T_NATIVE_INT8; }
static inline hid_t dsc_h5t_native_uint8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t dsc_h5t_native_int16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t dsc_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t dsc_h5t_native_int32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t dsc_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t dsc_h5t_native_int64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t dsc_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t dsc_h5t_c_s1(void)          { return H5T_C_S1; }
static inline hid_t dsc_h5p_default(void)       { return H5P_DEFAULT; }
static inline hid_t dsc_h5p_file_access(void)   { return H5P_FILE_ACCESS; }
static inline hid_t dsc_h5p_dataset_create(void){ return H5P_DATASET_CREATE; }
static inline hid_t dsc_h5p_link_create(void)   { return H5P_LINK_CREATE; }
static inline hid_t dsc_h5s_all(void)           { return H5S_ALL; }
static inline unsigned dsc_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned dsc_h5f_acc_trunc(void)  { return H5F_ACC_TRUNC; }
static inline unsigned dsc_h5f_acc_excl(void)   { return H5F_ACC_EXCL; }
static inline size_t dsc_h5t_variable(void)     { return H5T_VARIABLE; }

/* Silence HDF5's own error stack printing: errors become Swift errors instead. */
static inline void dsc_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Whether the link `name` under `loc` is a hard link (1), another kind (0), or missing (-1).
   H5Lget_info and H5L_info_t are versioned macros (H5Lget_info2 from 1.12), so they stay in C. */
static inline int dsc_h5l_is_hard(hid_t loc, const char *name) {
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    return info.type == H5L_TYPE_HARD ? 1 : 0;
}

/* Objects open in any file (files, datasets, groups, committed datatypes, attributes);
   H5F_OBJ_ALL is a macro. */
static inline ssize_t dsc_h5f_open_object_count(void) { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

#endif
