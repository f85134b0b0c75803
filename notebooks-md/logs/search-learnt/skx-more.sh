D=datasets; Q=$D/mnist-queries.h5
set -x
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind cie -o skx-cie.h5 --json --quiet
./dsc6 search skx-cie.h5 $Q --top 10 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind ldph --bits 32 -o skx-ldph32.h5 --json --quiet
./dsc6 search skx-ldph32.h5 $Q --top 10 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind ldph --bits 64 --pseudo-labels cluster-skx.h5 -o skx-ldph64-pl.h5 --json --quiet
./dsc6 search skx-ldph64-pl.h5 $Q --top 10 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind ldph --bits 16 --pseudo-labels cluster-skx.h5 -o skx-ldph16-pl.h5 --json --quiet
./dsc6 search skx-ldph16-pl.h5 $Q --top 10 --json --quiet
