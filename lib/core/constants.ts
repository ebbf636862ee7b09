// Facts of the MNIST task and the stored data that every layer shares (pure, safe in the browser).

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

/** Raw pixels are stored and projected as this layer index, below every hidden layer (0, 1, …). */
export const PIXELS_LAYER = -1;
