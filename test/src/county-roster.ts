/**
 * A realistic county for roster imports (issue 13 point 3): 15 townships (镇、乡、街道) of 17 villages
 * or communities each; most have one 党支部, the larger ones two under a 党总支, so 300 branches;
 * every third branch has three 党小组. About 10,000 members with plausible names, birth dates, dates
 * joined (at 18 or later), 3 % probationary (joined within the year), phones for most. Deterministic
 * for a seed. The xlsx is written as a county's own file would be: a title row above the header,
 * columns in its own order under other names (名字, 出生年月, 入党时间, 手机号码, 所在党支部 …), a
 * 序号 and a 备注 column we do not read, dates as Excel date cells except some typed as text
 * (2024/5/1, 2024年5月1日), phones as numbers (what Excel makes of 13912345678).
 */
import ExcelJS from 'exceljs';

export type CountyUnit = { id: string; name: string; type: 'county' | 'township' | 'village' | 'branch' | 'group'; parentId: string };
export type CountyMember = { name: string; gender: '男' | '女'; birthDate: string; joinedOn: string; fullOn: string | null; branchId: string; groupId: string | null; phone: string | null };
export type County = { units: CountyUnit[]; branches: string[]; members: CountyMember[] };

/** mulberry32: a small seeded generator, so a failing run can be reproduced. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文军红梅玉兰海燕春生德福永庆国栋淑芬晓梅丽华卫东志刚俊杰子涵欣怡浩然宇航梓轩雨萱思远佳怡嘉豪一鸣天佑金凤银花长林树林学文学军振华振国玉珍秀珍';
const TOWN_NAMES = ['城关', '东关', '西关', '南湖', '北山', '青石', '白沙', '黄土岭', '柳河', '杨庄', '桃源', '石桥', '新店', '马集', '龙泉'];
const VILLAGE_WORDS = ['大王', '小李', '东庄', '西庄', '前营', '后营', '高家', '刘湾', '张楼', '陈岗', '河口', '新村', '林场', '双庙', '五里', '三官', '八里铺', '枣林', '杏园', '梨树'];

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`.replace(/-02-29$/, '-02-28');

/** The county's units (for the test to create under `parentId`) and its members. */
export function generateCounty(options: { prefix: string; parentId: string; members?: number; seed?: number; today: string }): County {
  const rnd = random(options.seed ?? 20_261_201);
  const pick = <T>(list: ArrayLike<T>) => list[Math.floor(rnd() * list.length)]!;
  const P = options.prefix;
  const units: CountyUnit[] = [{ id: `${P}`, name: `测试${P}县委`, type: 'county', parentId: options.parentId }];
  const branches: string[] = [];
  const groupsOf = new Map<string, string[]>();
  TOWN_NAMES.forEach((townName, t) => {
    const town = `${P}-t${pad(t + 1)}`;
    units.push({ id: town, name: `${townName}${t % 5 === 0 ? '街道党工委' : '镇党委'}`, type: 'township', parentId: P });
    for (let v = 1; v <= 17; v++) {
      const village = `${town}-v${pad(v)}`;
      const villageName = `${townName}${VILLAGE_WORDS[(v + t) % VILLAGE_WORDS.length]}${t % 5 === 0 ? '社区' : '村'}`;
      // The three largest villages have a 党总支 with two branches; the others one branch.
      const count = v > 14 ? 2 : 1;
      units.push({ id: village, name: `${villageName}${count > 1 ? '党总支' : '党支部'}`, type: 'village', parentId: town });
      for (let b = 1; b <= count; b++) {
        const branch = `${village}-b${b}`;
        units.push({ id: branch, name: count > 1 ? `${villageName}第${'一二'[b - 1]}党支部` : `${villageName}党支部`, type: 'branch', parentId: village });
        branches.push(branch);
        if (branches.length % 3 === 0) {
          const groups = [1, 2, 3].map((g) => `${branch}-g${g}`);
          groups.forEach((g, i) => units.push({ id: g, name: `第${'一二三'[i]}党小组`, type: 'group', parentId: branch }));
          groupsOf.set(branch, groups);
        }
      }
    }
  });

  const total = options.members ?? 10_000;
  const today = options.today;
  const members: CountyMember[] = [];
  const keys = new Set<string>();
  const phones = new Set<string>();
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  while (members.length < total) {
    // Branches of different sizes: members spread unevenly (15–60 per branch).
    const branch = branches[Math.floor(Math.pow(rnd(), 1.3) * branches.length)]!;
    const name = pick(SURNAMES) + (rnd() < 0.3 ? pick(GIVEN) : pick(GIVEN) + pick(GIVEN));
    const probationary = rnd() < 0.03;
    const minAge = probationary ? 19 : 20;
    const age = minAge + Math.floor(rnd() * (85 - minAge));
    const birth = new Date(todayMs - (age * 365.25 + rnd() * 360) * 86_400_000);
    const birthDate = iso(birth);
    const key = `${name}|${birthDate}`;
    if (keys.has(key)) continue;
    keys.add(key);
    let joinedOn: string;
    let fullOn: string | null;
    if (probationary) {
      joinedOn = iso(new Date(todayMs - (20 + Math.floor(rnd() * 330)) * 86_400_000));
      fullOn = null;
    } else {
      // Joined between 18 and (age − 1): full members one year later (党章第七条: 预备期为一年).
      const at18 = addYears(birthDate, 18);
      const span = Date.parse(`${addYears(today, -2)}T00:00:00Z`) - Date.parse(`${at18}T00:00:00Z`);
      joinedOn = iso(new Date(Date.parse(`${at18}T00:00:00Z`) + 86_400_000 + Math.floor(rnd() * Math.max(span, 0) / 86_400_000) * 86_400_000));
      fullOn = addYears(joinedOn, 1);
    }
    let phone: string | null = null;
    if (rnd() < 0.92) {
      do phone = `1${pick('3456789')}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
      while (phones.has(phone));
      phones.add(phone);
    }
    const groups = groupsOf.get(branch);
    members.push({ name, gender: rnd() < 0.72 ? '男' : '女', birthDate, joinedOn, fullOn, branchId: branch, groupId: groups ? pick(groups) : null, phone });
  }
  return { units, branches, members };
}

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const textDate = (date: string, style: number) => {
  const [y, m, d] = date.split('-').map(Number);
  return style === 0 ? `${y}/${m}/${d}` : `${y}年${m}月${d}日`;
};

/** The county's roster as its organization department would keep it in Excel (see the file comment). */
export async function countyRosterXlsx(county: County, title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('党员花名册');
  sheet.addRow([title]);
  sheet.addRow(['序号', ' 所在党支部 ', '所在党小组', '名字', '性别', '出生年月', '入党时间', '转正时间', '手机号码', '备注']);
  county.members.forEach((m, i) => {
    // Every 7th row has its dates typed as text, as people do.
    const asText = i % 7 === 3;
    const dateCell = (d: string | null) => (d === null ? null : asText ? textDate(d, i % 2) : utc(d));
    sheet.addRow([i + 1, m.branchId, m.groupId, m.name, m.gender, dateCell(m.birthDate), dateCell(m.joinedOn), dateCell(m.fullOn), m.phone === null ? null : Number(m.phone), i % 50 === 0 ? '流动党员' : null]);
  });
  for (const col of [6, 7, 8]) sheet.getColumn(col).numFmt = 'yyyy-mm-dd';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
