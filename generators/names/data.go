package names

import (
	"strconv"
	"strings"
)

// Word lists. "word:weight" gives a weight; a list without weights is a plausible-frequency
// ordering and gets Zipf-like weights 1/(rank+3). Sources (keys in docs/sources.md):
//   - Kinh family names: the classic shares (Nguyễn 38.4%, Trần 11%, Lê 9.5%, Phạm 7.1%,
//     Hoàng/Huỳnh 5.1%, Phan 4.5%, Vũ/Võ 3.9%, Đặng 2.1%, Bùi 2%, Đỗ 1.4%, Hồ 1.3%, Ngô 1.3%,
//     Dương 1%, Lý 0.5%) [surnames-classic], the remainder from the hoten.org DKL01 sample
//     (Trương, Đinh, Trịnh…) [hoten-org];
//   - Kinh given names: hoten.org DKL01 (born 1991–2002) for the middle era, SG01 (born
//     ~2007–2011) for the young [hoten-org]; the older era is an assumption (common names of
//     cohorts born before 1975);
//   - middle names: hoten.org (Thị and Ngọc above 17% among young women, Văn under 3% among
//     young men) [hoten-org] and the regional heuristics of hungnguyen18/vietnamese-name-generator
//     [vietnamese-name-generator];
//   - minority clan names: Thái, Hmong and Dao clans [vietnamese-name-generator], Jrai clans
//     [naming-jrai], Ê Đê clans [naming-ede]; given names of minority groups are assumptions
//     assembled from names reported in the press.

func wl(s string) []w {
	parts := strings.Split(s, ",")
	out := make([]w, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		word, wt := p, 1.0/float64(i+3)
		if j := strings.LastIndexByte(p, ':'); j > 0 {
			v, err := strconv.ParseFloat(p[j+1:], 64)
			if err != nil {
				panic("names: bad weight in " + p)
			}
			word, wt = p[:j], v
		}
		out = append(out, w{word, wt})
	}
	return out
}

func L(s string) list { return newList(wl(s)) }

// Kinh given names by sex and era.
var (
	kinhMaleOld   = "Hùng,Dũng,Tuấn,Hải,Thắng,Bình,Hòa,Sơn,Thành,Long,Minh,Cường,Quang,Hưng,Trung,Nam,Phong,Toàn,Tâm,Tùng,Lâm,Đông,Chiến,Lợi,Thanh,Kiên,Vinh,Lực,Phúc,Tài,Sáng,Thịnh,Hiệp,Khải,Lộc,Nghĩa,Thái,Tiến,Đức,Hoan"
	kinhMaleMid   = "Tuấn:2.71,Hoàng:2.46,Huy:2.23,Anh:2.05,Hiếu:1.99,Hùng:1.98,Nam:1.98,Sơn:1.90,Đức:1.88,Dũng:1.70,Thành:1.62,Đạt:1.56,Cường:1.56,Long:1.55,Trung:1.55,Minh:1.5,Quân:1.4,Tùng:1.3,Hải:1.3,Thắng:1.2,Phúc:1.2,Khoa:1.2,Việt:1.1,Vũ:1.0,Tài:1.0,Duy:1.0,Hưng:1.0,Kiên:0.9,Quang:0.9,Phong:0.9,Tiến:0.9,Lộc:0.8,Nhật:0.8,Bình:0.8,Toàn:0.8,Thịnh:0.7,Tâm:0.7,Phát:0.7,Linh:0.6,Khánh:0.6"
	kinhMaleYoung = "Khang,Bảo,Huy,Minh,An,Phúc,Khôi,Nam,Đăng,Quân,Khoa,Lâm,Hưng,Long,Duy,Kiệt,Thịnh,Phát,Vinh,Nhật,Hoàng,Tuấn,Đức,Thành,Tín,Hiếu,Phong,Trí,Sơn,Anh,Khải,Nguyên,Thiện,Toàn,Việt"
	kinhFemOld    = "Lan,Hương,Hằng,Hoa,Mai,Nga,Thủy,Hà,Hạnh,Loan,Dung,Liên,Hồng,Yến,Xuân,Cúc,Huệ,Nhung,Thảo,Tuyết,Phượng,Thu,Oanh,Hiền,Sen,Tâm,Vân,Minh,Ngọc,Bình,Lý,Đào,Nguyệt,Thoa,Thơm"
	kinhFemMid    = "Trang:4.19,Thảo:3.52,Linh:3.02,Anh:2.46,Phương:2.20,Hằng:2.14,Huyền:2.11,Hiền:2.03,Hương:1.72,Ngọc:1.72,Dung:1.70,Nhung:1.69,Hà:1.5,Mai:1.4,Nga:1.3,Yến:1.3,Quỳnh:1.3,Nhi:1.2,Ly:1.2,Thủy:1.2,Hạnh:1.1,Vy:1.0,Loan:1.0,Vân:1.0,Lan:1.0,Uyên:1.0,Duyên:1.0,Giang:1.0,Tâm:0.8,Thư:0.8,Trinh:0.8,Hoa:0.8,My:0.8,Thu:0.8,Oanh:0.7,Nhàn:0.6"
	kinhFemYoung  = "Anh:7.1,Vy:5.7,Ngọc:4.3,Nhi:4.2,Hân:4.1,Thư:4.1,Linh:3.5,Như:3.1,Ngân:3.0,Phương:2.1,Thảo:2.1,My:2.1,Trân:1.8,Quỳnh:1.8,Nghi:1.7,Trang:1.7,Trâm:1.6,An:1.6,Thy:1.5,Châu:1.5,Trúc:1.5,Uyên:1.4,Yến:1.4,Hà:1.2,Mai:1.2,Hương:1.0,Khuê:0.9,Diệp:0.8,Tiên:0.9,Hạnh:0.8"

	kinhMidMaleOld   = "Văn:50,Đức:8,Hữu:7,Quang:5,Xuân:5,Ngọc:4,Minh:4,Công:4,Thanh:4,Đình:4,Quốc:3,Mạnh:2,Trọng:2,Viết:2"
	kinhMidMaleMid   = "Văn:25,Minh:10,Đức:8,Quốc:6,Thanh:6,Hoàng:5,Hữu:5,Quang:5,Anh:4,Ngọc:4,Công:4,Xuân:3,Trung:3,Việt:3,Duy:3,Đình:3,Tuấn:3,Mạnh:2,Trọng:2"
	kinhMidMaleYoung = "Minh:12,Gia:10,Văn:8,Bảo:8,Đức:7,Hoàng:7,Quốc:6,Anh:6,Nhật:5,Thành:4,Khánh:4,Đăng:4,Duy:4,Tuấn:4,Hữu:3,Trọng:3,Thanh:3,Thiên:3,Hải:2"
	kinhMidFemOld    = "Thị:75,Ngọc:5,Thu:4,Thanh:4,Hồng:3,Kim:3,Minh:2,Bích:2,Xuân:2"
	kinhMidFemMid    = "Thị:45,Ngọc:10,Thu:7,Thanh:6,Hồng:5,Thùy:5,Phương:4,Kim:4,Mỹ:3,Minh:3,Hoài:2,Diệu:2,Khánh:2"
	kinhMidFemYoung  = "Thị:18,Ngọc:12,Bảo:8,Khánh:7,Gia:6,Minh:6,Thanh:5,Phương:5,Thùy:5,Hà:4,Mai:4,Quỳnh:4,Như:3,Diệu:3,Kim:3,Tường:3,Hoài:3,Yến:2"
	kinhMid2Male     = "Minh,Đức,Quang,Hoàng,Gia,Anh,Tuấn,Nhật,Thành,Trung,Bảo,Quốc,Đăng,Hải,Thanh"
	kinhMid2Fem      = "Thu,Ngọc,Thanh,Bảo,Minh,Phương,Khánh,Hồng,Mai,Hà,Diệu,Kim,Thùy,Quỳnh,Tú,Lan,Bích"
)

// vanThi returns middle-name lists that are Văn for men and Thị for women, with a share of
// Kinh middle names that grows with the era.
func vanThi(oldShare, midShare, youngShare float64) [2][3]list {
	mk := func(base string, share float64, kinh string) list {
		ws := []w{{base, share}}
		for _, x := range wl(kinh) {
			if x.s != base {
				ws = append(ws, w{x.s, x.p / 100 * (1 - share) * 2})
			}
		}
		return newList(ws)
	}
	return [2][3]list{
		{mk("Văn", oldShare, kinhMidMaleOld), mk("Văn", midShare, kinhMidMaleMid), mk("Văn", youngShare, kinhMidMaleYoung)},
		{mk("Thị", oldShare, kinhMidFemOld), mk("Thị", midShare, kinhMidFemMid), mk("Thị", youngShare, kinhMidFemYoung)},
	}
}

func kinhGiven() [2][3]list {
	return [2][3]list{{L(kinhMaleOld), L(kinhMaleMid), L(kinhMaleYoung)}, {L(kinhFemOld), L(kinhFemMid), L(kinhFemYoung)}}
}

// mixedGiven mixes a group's own given names with Kinh ones, Kinh names gaining with the era.
func mixedGiven(male, female string, kinhShare [3]float64) [2][3]list {
	mix := func(own string, kinh string, share float64) list {
		o, k := wl(own), wl(kinh)
		so, sk := 0.0, 0.0
		for _, x := range o {
			so += x.p
		}
		for _, x := range k {
			sk += x.p
		}
		ws := make([]w, 0, len(o)+len(k))
		seen := map[string]bool{}
		for _, x := range o {
			ws = append(ws, w{x.s, x.p / so * (1 - share)})
			seen[x.s] = true
		}
		for _, x := range k {
			if !seen[x.s] {
				ws = append(ws, w{x.s, x.p / sk * share})
			}
		}
		return newList(ws)
	}
	var g [2][3]list
	kin := [2][3]string{{kinhMaleOld, kinhMaleMid, kinhMaleYoung}, {kinhFemOld, kinhFemMid, kinhFemYoung}}
	for e := 0; e < 3; e++ {
		g[0][e] = mix(male, kin[0][e], kinhShare[e])
		g[1][e] = mix(female, kin[1][e], kinhShare[e])
	}
	return g
}

func same3(l list) [3]list { return [3]list{l, l, l} }

func init() {
	register(&scheme{
		name:  "kinh",
		shape: shapeKinh,
		family: L("Nguyễn:38.4,Trần:11,Lê:9.5,Phạm:7.1,Phan:4.5,Hoàng:3.0,Huỳnh:2.1,Vũ:2.0,Võ:1.9,Đặng:2.1,Bùi:2.0,Đỗ:1.4,Hồ:1.3,Ngô:1.3,Dương:1.0,Lý:0.5," +
			"Trương:1.2,Đinh:1.0,Trịnh:0.8,Đoàn:0.7,Mai:0.6,Lương:0.5,Đào:0.5,Cao:0.5,Hà:0.5,Lâm:0.4,Tạ:0.3,Lưu:0.3,Chu:0.3,Tô:0.3,Kiều:0.2,Thái:0.2,La:0.1,Quách:0.1"),
		middle: [2][3]list{
			{L(kinhMidMaleOld), L(kinhMidMaleMid), L(kinhMidMaleYoung)},
			{L(kinhMidFemOld), L(kinhMidFemMid), L(kinhMidFemYoung)},
		},
		middle2: [2]list{L(kinhMid2Male), L(kinhMid2Fem)},
		// four-word names: 26% of young men and 65% of young women (hoten.org); fewer before.
		double: [2][3]float64{{0.03, 0.12, 0.26}, {0.08, 0.30, 0.62}},
		given:  kinhGiven(),
	})
	register(&scheme{
		name:   "hoa",
		shape:  shapeKinh,
		family: L("Lý:10,Trương:10,Lâm:10,Quách:6,Hứa:6,Mã:5,Tạ:4,Lưu:6,Châu:5,Tăng:5,Diệp:4,Huỳnh:5,Trần:6,Dương:4,La:3,Thái:3,Vương:5,Hồng:2"),
		middle: [2][3]list{
			same3(L("Văn:15,Gia:10,Quốc:8,Vĩnh:8,Minh:10,Kiến:5,Chí:6,Tuấn:5,Thế:5,Hữu:5")),
			same3(L("Thị:20,Mỹ:10,Ngọc:12,Bảo:8,Kim:10,Tú:6,Lệ:6,Huệ:4,Gia:5")),
		},
		middle2: [2]list{L(kinhMid2Male), L(kinhMid2Fem)},
		double:  [2][3]float64{{0.02, 0.08, 0.2}, {0.05, 0.2, 0.45}},
		given:   kinhGiven(),
	})
	thaiGiven := mixedGiven(
		"Pản,Khăm,Bun,Panh,Ình,Xiêng,Hặc,Phăn,Ọi,Lún,Kiên,Piêng,Sướng,Nọi,Ún,Hoan,Chinh,Thanh,Xôm,Tướng,Ương,Đôi,Pâng,Phóng,Hánh,Văn,Khiêm,Ngoan,Chăn,Hươn",
		"Ín,Ơn,Ỏn,Xuân,Hoa,Lả,Pâng,Ngoan,Ọn,Ươm,Xiêm,Ên,Inh,Hom,Hôm,Bích,Phương,Thu,Mai,Dung,Thủy,Lan,Nhung,Thương,Tiên,Ánh,Xinh,Bua,Piêng,Ỉn,Én,Khuyên",
		[3]float64{0.35, 0.55, 0.75})
	register(&scheme{
		name:   "thai",
		shape:  shapeKinh,
		family: L("Lò:22,Lường:12,Quàng:10,Cà:9,Tòng:7,Vì:7,Điêu:4,Cầm:4,Lù:4,Mè:3,Lềm:3,Ngần:2,Hoàng:3,Bạc:2,Hà:3,Sầm:2,Nông:1,Lộc:1,Tao:1"),
		middle: vanThi(0.97, 0.93, 0.85),
		given:  thaiGiven,
	})
	register(&scheme{
		name:   "thainghean", // Thái of Nghệ An: Lô, Lang, Vi, Lương, Quang, Sầm, Hà, Kha, Ngân …
		shape:  shapeKinh,
		family: L("Lô:15,Vi:14,Lang:12,Lương:12,Quang:8,Hà:8,Sầm:5,Ngân:5,Kha:4,Lữ:4,Cầm:3,Mạc:2"),
		middle: vanThi(0.97, 0.93, 0.85),
		given:  thaiGiven,
	})
	register(&scheme{
		name:   "hmong",
		shape:  shapeClan,
		family: L("Giàng:14,Vừ:12,Thào:12,Sùng:9,Lầu:9,Lý:8,Vàng:8,Mùa:7,Hàng:4,Cư:3,Chá:2,Chảo:2,Lò:2,Phà:1,Hơ:1,Khang:1,Fàng:1,Chênh:1"),
		middle: [2][3]list{same3(L("A:1")), same3(L("Thị:1"))},
		given: [2][3]list{
			same3(L("Páo,Dình,Chứ,Sử,Pó,Lử,Chá,Tủa,Dế,Của,Sình,Khua,Pờ,Súa,Tông,Lềnh,Chông,Nhìa,Phử,Giống,Sếnh,Xá,Cở,Chơ,Mang,Thề,Tếnh,Khư,Chu,Hờ,Dia,Pềnh,Sò,Lồng,Dơ")),
			same3(L("Mỷ,Dua,Dí,Chở,Mai,Sua,Pàng,Dợ,Ly,Mái,Phênh,Dung,Chua,Mỉ,Sông,Ca,Lan,Sinh,Vá,Dính,Chà,Mua,Nủ,Chò,Dinh,Xí,Lia,Máy,Dở,Say")),
		},
	})
	register(&scheme{
		name:   "dao",
		shape:  shapeKinh,
		family: L("Chảo:15,Lý:15,Tẩn:12,Phàn:12,Bàn:12,Triệu:12,Đặng:10,Hoàng:3,Lò:3,Sần:2"),
		middle: [2][3]list{
			same3(L("Văn:55,Láo:10,Mắn:8,Seo:8,Phủ:5,Quẩy:5,Kiềm:4,Vần:3")),
			same3(L("Thị:80,Mẩy:10,Tả:5,Mùi:5")),
		},
		given: mixedGiven(
			"On,Lở,Vảng,Quyên,Chàn,Sành,Sinh,Phin,Chòi,Phu,Kiềm,Lìn,Chản,Vần,Dào,Quáng,Tòng,Dụn,Tạ,Pao",
			"Mẩy,Liều,Chiêu,Nái,Sinh,Mai,Chảy,Mùi,Xiêm,Sai,Dính,Liên,Phây,Siểm,Quyển,Lở,Nhất,Dìn,Lai",
			[3]float64{0.25, 0.45, 0.7}),
	})
	register(&scheme{
		name:   "khomu",
		shape:  shapeKinh,
		family: L("Lò:15,Vi:12,Lầu:8,Cụt:8,Xồng:8,Moong:8,Kha:6,Lữ:5,Quàng:5,Điêu:4,Lo:3,Lục:3,Mon:3"),
		middle: vanThi(0.98, 0.95, 0.88),
		given: mixedGiven(
			"Pản,Xinh,Thoong,Cống,Bun,Khăm,Mươi,En,Lăn,Pheng,Xứ,Chăm,Phăn,Thoại,Tình,Pâng,Lả,Ké,Pón,Pheo",
			"Hoa,Mai,Bua,Ón,Xỏm,Pía,Lan,Thoa,Xuân,Ỏn,Mây,Thơm,Bích,Phiêng,Ngoan,Xinh,Duyên,Phon",
			[3]float64{0.3, 0.5, 0.7}),
	})
	register(&scheme{
		name:   "tay",
		shape:  shapeKinh,
		family: L("Hoàng:18,Nông:14,Hà:8,Ma:8,Lương:7,Lục:6,Nguyễn:6,Bế:5,Đàm:5,Triệu:4,La:4,Lộc:3,Vi:3,Hứa:3,Âu:3,Mạc:3,Đinh:3,Lý:2,Hầu:1"),
		middle: vanThi(0.92, 0.75, 0.45),
		given:  kinhGiven(),
	})
	register(&scheme{
		name:   "nung",
		shape:  shapeKinh,
		family: L("Nông:15,Hoàng:14,Lăng:8,Lương:7,Chu:7,Vy:6,Lý:6,Mã:5,Hứa:5,Triệu:5,Sầm:4,Lục:4,Dương:4,Nguyễn:4,Lành:3,Đàm:3,Chẩu:2"),
		middle: vanThi(0.92, 0.78, 0.5),
		given:  kinhGiven(),
	})
	register(&scheme{
		name:   "muong",
		shape:  shapeKinh,
		family: L("Bùi:30,Đinh:20,Hà:10,Quách:8,Bạch:6,Phạm:4,Nguyễn:4,Xa:3,Cao:3,Trương:2,Hoàng:2,Lê:2"),
		middle: vanThi(0.92, 0.75, 0.45),
		given:  kinhGiven(),
	})
	register(&scheme{
		name:   "tho",
		shape:  shapeKinh,
		family: L("Nguyễn:20,Trương:10,Lê:10,Hồ:8,Trần:6,Võ:6,Lữ:6,Cao:5,Phan:5,Đinh:4,Hoàng:4,Lò:3"),
		middle: vanThi(0.95, 0.8, 0.5),
		given:  kinhGiven(),
	})
	register(&scheme{
		name:   "minority", // other small groups: regional minority family names, Văn/Thị
		shape:  shapeKinh,
		family: L("Lò:12,Lý:10,Vàng:8,Hoàng:8,Chu:6,Lường:6,Nông:6,Vì:6,Hà:5,Nguyễn:5,Quàng:5,Đinh:4,Pờ:3,Sừng:3,Bùi:3"),
		middle: vanThi(0.95, 0.85, 0.6),
		given:  kinhGiven(),
	})
	register(&scheme{
		name:  "jrai",
		shape: shapeJrai,
		// clan spellings vary between records (Rơ Mah / Rmah, Rơ Chăm / Rcom, Rơ Lan / Rlan).
		family: L("Ksor:15,Rơ Mah:10,Rmah:2,Siu:12,Nay:10,Kpă:9,Rơ Chăm:5,Rcom:2,Rơ Lan:5,Rlan:2,Puih:6,Rahlan:5,Rơ Ô:4,Alê:2,Rơ Mô:2"),
		given: mixedGiven(
			"Blin,Đoan,Thuân,Plưk,Hyưn,Hlun,Phun,Wir,Kin,Bluk,Klin,Hlach,Dơk,Kơk,Jơn,Hmơi,Thiu,Hiêng,Bơr,Ngơl,Yung,Kheo,Sang,Hnil,Dih",
			"Thoan,Nhi,Yin,Mai,Lơi,Ngăn,Lan,Xuân,Dên,Blong,Prin,Bia,Len,Nga,Ngơn,Lip,Hrin,Byơk,Mơ,Luyên,Thương,Dung,Yơn,Kim,Juăn",
			[3]float64{0.05, 0.15, 0.3}),
		variant: 0.15,
	})
	register(&scheme{
		name:   "ede",
		shape:  shapeEde,
		family: L("Niê:20,Mlô:12,Êban:8,Ksơr:6,Niê Kdăm:4,Buôn Yă:4,Êya:4,Kbuôr:4,Buôn Krông:3,Adrơng:3,Byă:3,Hđơk:3,Ayun:3,Knul:3,Hwing:2,Ktla:2,Mlô Duôn Du:2,Hmok:2"),
		given: mixedGiven(
			"Ngông,Bih,Jút,Blô,Thông,Siêng,Mơ,Dhar,Luân,Kô,Tlang,Wơn,Jim,Kuăn,Hiêng,Bun,Khoa,Nam,Sơn,Thuột,Jao,Kha",
			"Hen,Nga,Xuân,Linh,Ben,Yơn,Dung,Pơk,Wen,Bia,Zi,Lanh,Mai,Yam,Ngơn,Dyi,Ju,Blúp,Hiên,Tlin,Nhung,Lê,Ka",
			[3]float64{0.05, 0.15, 0.3}),
	})
	register(&scheme{
		name:   "bahnar",
		shape:  shapeAY,
		family: L("Đinh:1"),
		given: mixedGiven(
			"Thiêm,Hmưn,Pố,Blưm,Nhong,Hyuh,Pứ,Ngưu,Kho,Brăk,Đoăn,Drưng,Hyơk,Nhưt,Blăh,Hnao,Jơ,Pơm,Hrui,Kroi",
			"Huyên,Hnen,Hin,Bla,Bur,Hmơi,Jên,Dâng,Nhim,Hlen,Thơ,Yơ,Dơng,Blang,Phiu,Hlôm,Mai,Nga",
			[3]float64{0.05, 0.15, 0.3}),
		variant: 0.35,
	})
	register(&scheme{
		name:   "xodang",
		shape:  shapeAY,
		family: L("Đinh:1"),
		given: mixedGiven(
			"Sang,Ka,Nhong,Thuân,Khiêm,Tơ,Rít,Bưu,Plôi,Vin,Hre,Đrông,Pêng,Nớ,Tuôn,Krông,Hơi,Ngà,Tá,Doang,Rôm,Bốt,Rí,Lơ",
			"Liên,Rin,Bloăn,Hiên,Sương,Nga,Mai,Đứp,Rơi,Thúy,Krin,Lệ,Phin,Nói,Hlen,Vân,Thoa,Blao,Loan,Vang,Rép,Đin",
			[3]float64{0.05, 0.15, 0.3}),
		variant: 0.1,
	})
	register(&scheme{
		name:   "khmer",
		shape:  shapeKhmer,
		family: L("Thạch:20,Sơn:15,Danh:12,Kim:10,Lâm:6,Châu:6,Lý:5,Chau:4,Trần:4,Huỳnh:3"),
		given: [2][3]list{
			same3(L("Sóc,Sa Rinh,Sa Ren,Phol,Chanh Đa,Sết,Sa Ra,Kha,Mến,Vuôl,Phên,Sa Nil,Ty,Hên,Sơ Rây,Chăn Thu,Sa Vong,Ny")),
			same3(L("Sa Rươl,Sóc Phia,Sa Ly,Chanh Thu,Sa Phon,Mây,Sây,Ny,Sa Ra,Chân,Thi,Pha,Ka Ni,Sô Phi,Ra Vy,Đa Ny")),
		},
		variant: 0.6,
	})
	alias("gietrieng", "xodang")
	alias("lao", "thai")
	alias("khang", "thai")
	alias("other", "minority")
	checkWords()
}
