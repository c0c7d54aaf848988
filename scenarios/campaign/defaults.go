package campaign

// DefaultBehaviour is the behaviour a campaign runs on where its file sets none: until the
// calibration's posterior ships (h3-calib), the values of the pooled fit documented in
// docs/model.md. A campaign file's behaviour block overrides any of them.
func DefaultBehaviour() Behaviour {
	return Behaviour{
		BassP: 1.5, BassQ: 3.0,
		DeadlineBoost: 2.0, DeadlineWindowDays: 45,
		SelfRegisterShare: 0.3, UpgradeShare: 0.8, CounterActivationShare: 0.3,
		ActivationDelayDays: 150,
		ActivationRate:      2.4, NeedUrban: 1, NeedOld: 1,
		ApprovalPerDay: 150_000, ApprovalGrowthPerYear: 0.5, RejectionShare: 0.005,
		RetryDays: 10, QueueDaysPerPatience: 3,
		StandardiseShare: 0.7, StandardiseDays: 21,
		LoginsPerYear: 6, ForgetPerYear: 0.5, TypoRate: 0.05, Patience: 3,
	}
}
