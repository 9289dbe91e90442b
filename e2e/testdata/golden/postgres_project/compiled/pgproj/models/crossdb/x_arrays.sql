select array[ 1 , 2 ] as arr,
  array_append(array[ 1 ], 3) as arr2,
  array_cat(array[ 1 ], array[ 4 ]) as arr3
