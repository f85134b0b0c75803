# The default pipeline again, with the kernels dsc now names (SkylakeX on this machine).
D=datasets; Q=$D/mnist-queries.h5
set -x
./dsc6 train $D/mnist-database.h5 --features-dataset images -o model-skx.h5
./dsc6 cluster $D/mnist-database.h5 --features-dataset images -k 10 --model model-skx.h5 -o cluster-skx.h5 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind ldph --bits 32 --pseudo-labels cluster-skx.h5 -o skx-ldph32-pl.h5 --json --quiet
./dsc6 search skx-ldph32-pl.h5 $Q --top 10 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 -o skx-flat.h5 --json --quiet
./dsc6 search skx-flat.h5 $Q --top 10 --json --quiet
./dsc6 index $D/mnist-database.h5 --features-dataset images --model model-skx.h5 --kind itq --bits 32 -o skx-itq32.h5 --json --quiet
./dsc6 search skx-itq32.h5 $Q --top 10 --json --quiet
