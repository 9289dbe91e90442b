package main

// Word lists for the synthetic catalog. They are invented for gdbt (not taken
// from the Kaggle files, which may not be committed): 21 departments holding
// 134 aisles, and brand / qualifier / flavour words for product names.

// deptProfile describes one department kind: its share of all order lines and
// its line reorder rate (both shaped after the real dataset's department
// figures), how many products it holds in a 49,688-product catalog, and the
// name keywords that recognise it in a real catalog.
type deptProfile struct {
	name      string   // synthetic department name
	keywords  []string // substrings matching the real department's name
	lineShare float64  // share of all order lines
	reorder   float64  // line reorder rate of the department
	products  int      // products in a full-size catalog
	aisles    []string // synthetic aisle names
}

var deptProfiles = []deptProfile{
	{"fresh produce", []string{"produce"}, 0.290, 0.65, 1684, []string{"fresh fruit", "fresh greens", "root vegetables", "fresh herbs", "cut fruit", "salad kits"}},
	{"dairy and eggs", []string{"dairy"}, 0.167, 0.67, 3449, []string{"milk", "yogurt cups", "block cheese", "shredded cheese", "eggs", "butter", "cream", "plant milk", "cottage cheese", "sour cream dips"}},
	{"snacks", []string{"snack"}, 0.089, 0.57, 6264, []string{"potato chips", "crackers", "cookies", "granola bars", "nuts and seeds", "popcorn", "trail mix", "candy", "fruit snacks", "pretzels", "rice cakes", "jerky"}},
	{"drinks", []string{"beverage"}, 0.083, 0.65, 4365, []string{"sparkling water", "juice", "soda", "coffee beans", "tea bags", "sports drinks", "still water", "energy drinks"}},
	{"frozen foods", []string{"frozen"}, 0.069, 0.54, 4007, []string{"frozen meals", "frozen pizza", "ice cream", "frozen vegetables", "frozen fruit", "frozen breakfast", "frozen appetizers", "frozen desserts", "frozen seafood", "frozen breads", "ice pops"}},
	{"pantry staples", []string{"pantry"}, 0.058, 0.35, 5371, []string{"baking mixes", "spices", "cooking oils", "condiments", "sauces", "honey and syrups", "spreads", "baking supplies", "vinegar", "salad dressing", "pickles", "marinades"}},
	{"bakery", []string{"bakery"}, 0.036, 0.63, 1516, []string{"sandwich bread", "tortillas", "buns and rolls", "pastries", "bagels"}},
	{"canned and jarred", []string{"canned"}, 0.033, 0.46, 2092, []string{"canned beans", "soups", "canned tomatoes", "canned fish", "canned fruit"}},
	{"deli counter", []string{"deli"}, 0.032, 0.61, 1322, []string{"sliced meats", "hummus", "prepared salads", "deli cheese", "fresh dips"}},
	{"pasta and grains", []string{"dry goods", "pasta"}, 0.027, 0.46, 1858, []string{"dry pasta", "rice", "grains", "pasta sauce"}},
	{"household", []string{"household"}, 0.023, 0.40, 3085, []string{"paper towels", "dish soap", "laundry", "trash bags", "cleaners", "food storage", "air care", "light bulbs", "batteries", "kitchen tools"}},
	{"breakfast", []string{"breakfast"}, 0.022, 0.56, 1115, []string{"cereal", "oatmeal", "pancake mix", "breakfast bars"}},
	{"meat and seafood", []string{"meat"}, 0.022, 0.57, 907, []string{"poultry", "beef", "pork", "fresh fish", "sausages", "bacon"}},
	{"personal care", []string{"personal"}, 0.014, 0.32, 6563, []string{"shampoo", "body wash", "toothpaste", "deodorant", "skin care", "vitamins", "pain relief", "cold remedies", "razors", "hair styling", "cosmetics", "sun care", "feminine care", "first aid", "eye care", "soap bars", "protein powder"}},
	{"baby", []string{"bab"}, 0.013, 0.58, 1081, []string{"baby food", "diapers", "baby wipes", "baby bath"}},
	{"world foods", []string{"international"}, 0.008, 0.37, 1139, []string{"asian foods", "latin foods", "indian foods", "mediterranean foods"}},
	{"beer and wine", []string{"alcohol"}, 0.005, 0.57, 1054, []string{"beer", "red wine", "white wine", "spirits", "hard cider"}},
	{"pet care", []string{"pet"}, 0.003, 0.60, 972, []string{"dog food", "cat food"}},
	{"unsorted", []string{"missing"}, 0.002, 0.40, 1258, []string{"unsorted items"}},
	{"miscellaneous", []string{"other"}, 0.001, 0.41, 548, []string{"miscellaneous goods"}},
	{"bulk bins", []string{"bulk"}, 0.001, 0.58, 38, []string{"bulk snacks", "bulk grains"}},
}

var brandWords = []string{
	"Greenfield", "Harvest Lane", "Blue Hollow", "Sunny Acre", "Maple Ridge", "Clearbrook", "Stonepath",
	"Little Meadow", "Golden Valley", "North Pier", "Wildroot", "Hillside", "Copper Kettle", "Orchard Row",
	"Riverbend", "Cedar Grove", "Bright Farm", "Prairie Gold", "Silver Spoon", "Old Mill",
	"True North", "Fieldstone", "Morning Dew", "Tall Pines", "Red Barn", "Lakeshore", "Summit",
	"Willow Creek", "Honeybrook", "Oak & Ember", "Pure Path", "Kind Table", "Half Moon", "Iron Gate",
	"Misty Bay", "Fox Hollow", "Seven Hills", "Twin Oaks", "Saltmarsh", "Dawn Valley",
}

var qualifierWords = []string{
	"", "Organic", "Natural", "Classic", "Original", "Light", "Family Size", "Reduced Fat",
	"Gluten Free", "Whole", "Premium", "Fresh", "Unsweetened", "Low Sodium", "Extra", "Mini",
}

var flavourWords = []string{
	"", "Vanilla", "Strawberry", "Honey", "Sea Salt", "Garlic", "Lemon", "Chocolate", "Cinnamon",
	"Blueberry", "Original", "Spicy", "Smoked", "Herb", "Coconut", "Maple", "Peach", "Mango",
	"Almond", "Cheddar", "Tomato Basil", "Mixed Berry", "Dark Roast", "Plain", "Greek Style",
	"Whole Grain", "Black Bean", "Roasted", "Mild", "Sweet", "Lime", "Ginger", "Apple", "Cherry",
	"Pumpkin", "Caramel", "Mint", "Wild Rice", "Pepper", "Sesame",
}
