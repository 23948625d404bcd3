/**
 * What the local detectors' classes are called in Rekognition's vocabulary: COCO object classes
 * → Rekognition label names with their parents and categories, and nsfwjs classes → Rekognition's
 * moderation taxonomy (version 7). One table each, so a wrong name is fixed in one place.
 */

export interface LabelTaxonomy {
  name: string;
  parents: readonly string[];
  category: string;
}

const l = (name: string, category: string, ...parents: string[]): LabelTaxonomy => ({
  name,
  parents,
  category,
});

/** COCO class (as the centernet model names it) → Rekognition label. */
export const cocoToRekognition: Readonly<Record<string, LabelTaxonomy>> = {
  person: l('Person', 'Person Description'),
  bicycle: l('Bicycle', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  car: l('Car', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  motorcycle: l('Motorcycle', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  airplane: l('Airplane', 'Vehicles and Automotive', 'Aircraft', 'Transportation', 'Vehicle'),
  bus: l('Bus', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  train: l('Train', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  truck: l('Truck', 'Vehicles and Automotive', 'Transportation', 'Vehicle'),
  boat: l('Boat', 'Vehicles and Automotive', 'Transportation', 'Vehicle', 'Watercraft'),
  'traffic light': l('Traffic Light', 'Transport and Logistics', 'Light'),
  'fire hydrant': l('Fire Hydrant', 'Public Safety', 'Hydrant'),
  'stop sign': l('Stop Sign', 'Transport and Logistics', 'Road Sign', 'Sign', 'Symbol'),
  'parking meter': l('Parking Meter', 'Transport and Logistics'),
  bench: l('Bench', 'Furniture and Furnishings', 'Furniture'),
  bird: l('Bird', 'Animals and Pets', 'Animal'),
  cat: l('Cat', 'Animals and Pets', 'Animal', 'Mammal', 'Pet'),
  dog: l('Dog', 'Animals and Pets', 'Animal', 'Canine', 'Mammal', 'Pet'),
  horse: l('Horse', 'Animals and Pets', 'Animal', 'Mammal'),
  sheep: l('Sheep', 'Animals and Pets', 'Animal', 'Mammal'),
  cow: l('Cow', 'Animals and Pets', 'Animal', 'Cattle', 'Livestock', 'Mammal'),
  elephant: l('Elephant', 'Animals and Pets', 'Animal', 'Mammal', 'Wildlife'),
  bear: l('Bear', 'Animals and Pets', 'Animal', 'Mammal', 'Wildlife'),
  zebra: l('Zebra', 'Animals and Pets', 'Animal', 'Mammal', 'Wildlife'),
  giraffe: l('Giraffe', 'Animals and Pets', 'Animal', 'Mammal', 'Wildlife'),
  backpack: l('Backpack', 'Apparel and Accessories', 'Bag'),
  umbrella: l('Umbrella', 'Apparel and Accessories', 'Canopy'),
  handbag: l('Handbag', 'Apparel and Accessories', 'Accessories', 'Bag'),
  tie: l('Tie', 'Apparel and Accessories', 'Accessories', 'Formal Wear', 'Clothing'),
  suitcase: l('Suitcase', 'Travel and Adventure', 'Baggage'),
  frisbee: l('Frisbee', 'Sports', 'Toy'),
  skis: l('Skiing', 'Sports', 'Sport', 'Recreation'),
  snowboard: l('Snowboard', 'Sports', 'Sport', 'Recreation'),
  'sports ball': l('Ball', 'Sports', 'Sport', 'Sports Equipment'),
  kite: l('Kite', 'Hobbies and Interests', 'Toy'),
  'baseball bat': l('Baseball Bat', 'Sports', 'Sport', 'Sports Equipment'),
  'baseball glove': l('Baseball Glove', 'Sports', 'Sport', 'Sports Equipment', 'Glove'),
  skateboard: l('Skateboard', 'Sports', 'Sport', 'Sports Equipment'),
  surfboard: l('Surfboard', 'Sports', 'Sport', 'Sports Equipment'),
  'tennis racket': l('Racket', 'Sports', 'Sport', 'Sports Equipment'),
  bottle: l('Bottle', 'Food and Beverage'),
  'wine glass': l('Glass', 'Food and Beverage', 'Alcohol', 'Beverage'),
  cup: l('Cup', 'Food and Beverage'),
  fork: l('Fork', 'Kitchen and Dining', 'Cutlery'),
  knife: l('Knife', 'Kitchen and Dining', 'Cutlery'),
  spoon: l('Spoon', 'Kitchen and Dining', 'Cutlery'),
  bowl: l('Bowl', 'Kitchen and Dining'),
  banana: l('Banana', 'Food and Beverage', 'Food', 'Fruit', 'Plant', 'Produce'),
  apple: l('Apple', 'Food and Beverage', 'Food', 'Fruit', 'Plant', 'Produce'),
  sandwich: l('Sandwich', 'Food and Beverage', 'Food', 'Meal'),
  orange: l('Orange', 'Food and Beverage', 'Citrus Fruit', 'Food', 'Fruit', 'Plant', 'Produce'),
  broccoli: l('Broccoli', 'Food and Beverage', 'Food', 'Plant', 'Produce', 'Vegetable'),
  carrot: l('Carrot', 'Food and Beverage', 'Food', 'Plant', 'Produce', 'Vegetable'),
  'hot dog': l('Hot Dog', 'Food and Beverage', 'Food'),
  pizza: l('Pizza', 'Food and Beverage', 'Food'),
  donut: l('Donut', 'Food and Beverage', 'Food', 'Sweets'),
  cake: l('Cake', 'Food and Beverage', 'Dessert', 'Food'),
  chair: l('Chair', 'Furniture and Furnishings', 'Furniture'),
  couch: l('Couch', 'Furniture and Furnishings', 'Furniture'),
  'potted plant': l('Potted Plant', 'Plants and Flowers', 'Plant'),
  bed: l('Bed', 'Furniture and Furnishings', 'Furniture'),
  'dining table': l('Dining Table', 'Furniture and Furnishings', 'Furniture', 'Table'),
  toilet: l('Toilet', 'Home and Indoors', 'Indoors', 'Bathroom'),
  tv: l('TV', 'Technology and Computing', 'Electronics', 'Screen'),
  laptop: l('Laptop', 'Technology and Computing', 'Computer', 'Electronics', 'Pc'),
  mouse: l('Mouse', 'Technology and Computing', 'Computer Hardware', 'Electronics', 'Hardware'),
  remote: l('Remote Control', 'Technology and Computing', 'Electronics'),
  keyboard: l(
    'Computer Keyboard',
    'Technology and Computing',
    'Computer Hardware',
    'Electronics',
    'Hardware',
  ),
  'cell phone': l('Mobile Phone', 'Technology and Computing', 'Electronics', 'Phone'),
  microwave: l('Microwave', 'Home and Indoors', 'Appliance', 'Electrical Device'),
  oven: l('Oven', 'Home and Indoors', 'Appliance', 'Electrical Device'),
  toaster: l('Toaster', 'Home and Indoors', 'Appliance', 'Electrical Device'),
  sink: l('Sink', 'Home and Indoors', 'Indoors'),
  refrigerator: l('Refrigerator', 'Home and Indoors', 'Appliance', 'Electrical Device'),
  book: l('Book', 'Education', 'Publication'),
  clock: l('Clock', 'Home and Indoors'),
  vase: l('Vase', 'Home and Indoors', 'Jar', 'Pottery'),
  scissors: l('Scissors', 'Tools and Machinery', 'Tool'),
  'teddy bear': l('Teddy Bear', 'Hobbies and Interests', 'Toy'),
  'hair drier': l('Hair Dryer', 'Home and Indoors', 'Appliance', 'Electrical Device'),
  toothbrush: l('Toothbrush', 'Health and Fitness', 'Brush', 'Tool'),
};

export interface ModerationTaxonomy {
  /** The level-2 label; its level-1 parent is `parentName`. */
  name: string;
  parentName: string;
}

/**
 * nsfwjs class → Rekognition moderation labels (taxonomy v7). Drawing and Neutral are safe.
 * Hentai (illustrated explicit content) counts as explicit nudity, as Rekognition treats
 * illustrated and photographic nudity alike at level 2.
 */
export const nsfwToModeration: Readonly<Record<string, ModerationTaxonomy>> = {
  Porn: { name: 'Explicit Nudity', parentName: 'Explicit' },
  Hentai: { name: 'Explicit Nudity', parentName: 'Explicit' },
  Sexy: { name: 'Female Swimwear Or Underwear', parentName: 'Swimwear or Underwear' },
};
