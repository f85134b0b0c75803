// DSCIO: see the files of this module.
