package main

// The published statistics of the full Instacart 2017 dataset
// (../shared/data/instacart/FACTS.md) that the generator is calibrated to.
// Histogram anchors are interpolated log-linearly; the tail slopes were
// chosen so the means match (orders per user 16.59, prior basket 10.09).

const (
	fullUsers      = 206209 // users in the real dataset
	fullTestUsers  = 75000  // users whose last order is 'test'
	fullTrainUsers = 131209 // users whose last order is 'train'
	maxOrders      = 100    // orders per user are capped at 100 (incl. the last)
	minOrders      = 4
	maxBasket      = 145
)

// ordersPerUser: counts of users by number of orders, mode at 4, a pile-up
// of users capped at exactly 100.
var ordersPerUserAnchors = map[int]float64{
	4: 24000, 5: 19600, 6: 16200, 8: 11700, 10: 9000, 15: 5200, 20: 3200, 30: 1500, 50: 550,
}

const (
	ordersTailSlope = -0.052 // log slope past 50 orders: brings the mean to ~16.6
	ordersAt100     = 1400   // the cap pile-up
)

// basketAnchors: prior orders by number of lines (mode 5, mean 10.09).
var basketAnchors = map[int]float64{
	1: 156000, 3: 207027, 4: 222081, 5: 228330, 6: 227675, 7: 220006,
	10: 165000, 15: 91000, 20: 48000, 30: 11000,
}

const basketTailSlope = -0.150 // log slope past 30 lines: brings the mean to ~10.09

// daysSincePrior: thousands of orders by days_since_prior_order 0..30, read
// from the published histogram (weekly spikes at 7, 14, 21, 28; 30 is the cap).
var daysSincePrior = []float64{
	67, 145, 193, 217, 221, 214, 240, 320, 182, 118, // 0-9
	95, 80, 76, 83, 100, 66, 46, 42, 38, 35, // 10-19
	34, 45, 31, 27, 24, 21, 20, 22, 26, 19, // 20-29
	370, // 30
}

// orderDOW: exact counts over all orders, day 0..6.
var orderDOW = []float64{600905, 587478, 467260, 436972, 426339, 453368, 448761}

// orderHour: exact counts over all orders, hour 0..23.
var orderHour = []float64{
	22758, 12398, 7539, 5474, 5527, 9569, 30529, 91868,
	178201, 257812, 288418, 284728, 272841, 277999, 283042, 283639,
	272553, 228795, 182912, 140569, 104292, 78109, 61468, 40043,
}

// topProducts are the ten most ordered products (lines in prior); their
// relative weights are imposed on the first ten popularity ranks.
var topProducts = []struct {
	name  string
	lines float64
}{
	{"Banana", 472565}, {"Bag of Organic Bananas", 379450}, {"Organic Strawberries", 264683},
	{"Organic Baby Spinach", 241921}, {"Organic Hass Avocado", 213584}, {"Organic Avocado", 176815},
	{"Large Lemon", 152657}, {"Strawberries", 142951}, {"Limes", 140627}, {"Organic Whole Milk", 137905},
}

// Popularity of products by rank r (1-based): (r+q)^-s1 up to rank K, then a
// steeper tail (r+q)^-s2, so that at full scale nearly every product appears
// in prior (49,677 of 49,688) while only ~39k appear in train.
const (
	popQ  = 2.5
	popS1 = 0.95
	popK  = 6000
	popS2 = 2.0
)
