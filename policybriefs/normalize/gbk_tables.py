"""GBK's code table, read as evidence: which characters a byte pair can be and how
plausible each is in Chinese news.

A hanzi whose Simplified form is among the 3,000 most frequent scores high,
another GB2312 level 1 character a little, level 2 nothing, a GBK extension
character that no Simplified form explains below zero, and kana, Greek,
Cyrillic, pinyin letters, box drawing and other symbols far below. Shifting
clean text by a byte produces exactly the junk that scores low.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import opencc

from ..models import LOST_MARK

# Plausibility weights. A hanzi is weighed by the frequency rank of its
# Simplified form (_FREQUENT), else by its GB2312 level.
_TOP_1000 = 1.5
_TOP_2000 = 1.2
_TOP_3000 = 0.8
_LEVEL_1 = 0.2
_LEVEL_2 = 0.0
_EXTENSION = -1.0  # a GBK extension character that no common Simplified form explains
_PUNCT = 0.5  # punctuation Chinese news uses
_FULL_WIDTH_ALNUM = -1.0  # Ａ, ０: the farm would have made these ASCII
_SYMBOL = -2.5  # kana, Greek, Cyrillic, pinyin letters, box drawing, other symbols
_ASCII_LETTER = -1.0  # a lone Latin letter among hanzi
_ASCII_DIGIT = 0.8  # numbers are ordinary in news text
_ASCII_WORD = 1.0  # a letter or digit next to another: a Latin word or a number
_ASCII_PUNCT = 0.3
_ASCII_QUESTION = 0.0

_FREQUENT = (
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下于们后就发自"
    "之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同"
    "北定开产前其军还然起种所如现理机体表力好外与当文两实重新三么只山水关明从化平建又制南内西"
    "没此将员名手最东头者月间无安看见各城十相但已些正口通想度加第她合院物性战由位常点海意场武"
    "使次向二治因立数样身情入原问把路被并利石老教万知级量任江及应省资委务元美特期世湖回系比气"
    "汉总展电科金先声提品设或义王社很统处四首共马形己儿司太目基领队直计别女权话少流命至报米给"
    "打变果书清活几州华解议更称程今张决导术府才保交放管结师便走达族反再题色五京河接条规式县白"
    "它改风光运信受什组听布百济党指论强做干取技黄神选记斯真却职号界件花类何眼兵传带空农边据集"
    "联古广完质阳难增历史专官每住商即步台认车林必死游举线备言皇土团收考求德叫近争研非具李众连"
    "调感转笑革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则属功积快图火准千"
    "究往极育装许参半令吃观鱼精办像帝八复影告随远群包整构料划算象容示投势热值网夫望源息语股铁"
    "断派速怎需片爱律纪支早况病境证编越局推满且列觉服双未居除织乐企引标确初青志项率飞节球察龙"
    "响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木宝黑"
    "左置跟央识采维六环底宫房音案批切斗富乡另倒若查按故突责严桥模仅胜杀围席态破承招杨负层须父"
    "供续状域细似依银范修找九致密终血旅钱赛独效玉冲获习医演镇毛尽弹脸楼艺航陆右协七攻检写苏宗"
    "章注阿抗弟坐验封紧劳户优财养适陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印亿沙母酒"
    "助闻超审升待压送监策略限竟香配藏敌树呢差仍兰征温园简善波哪词岛止预怕继皮执味份角草男普答"
    "谁益船惊核街夏辑宣掌画剑田久著奇尼吧谈背免孩礼材愿洋春架筑括晚乱讲乎尚良友临激板刀夜室既"
    "敢邦挥昌胡欧叶福港苦担句岁荆娘贵守辖威宜衣错帮块堂额剧充欢够孙班呼阵销坚练脚退读测吴希宁"
    "换版异某顾曲楚朱典毒菜判救宋茶洪含顺啊败鲜货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输"
    "牛洞松渐顶录训否述毕丰督控献姑爷忽钟互亮纳襄登咱伯臣雄季脑暗介鄂召饭扩祖齐蒙短烈赶牌恩诉"
    "移诗础露届静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆补唐炮沿殿刺怪彩"
    "俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛恶雨墙谷顿危折稳熟酸概操诸佛绿荣针托宽野"
    "购付午肯库罢厚缺耳屋嘴末谢巨培页瓦款犯困店旗智拥雪翻圣戏吉婚奖岩疑币圆歌廷健卡烟烧析讨跑"
    "疗误仙舞亡闭汽伸脱秋姐繁侵川莫麻秀借寻私岗卷跳丽横驻套兼您君丁束纸夺袁灯坏坦丝径阴床瞧择"
    "墓宪峰遍鲁庙掉丹桃御舰避售怒课播拔奥延虚隐粮络遭摇潜庄灭吨混厅婆奴鼓赵访睡震予童徐韦殖抓"
    "拜扬址洛休纵逃纷染汇贸透蛋森仪塔距狐融郡缓聚盖拍迹忠润释粉涓孔岭抵搜坛紫虑促钢塞寺津液码"
    "虎珍硬梁累奔役偏迫锛凡损壁哭替税综伦冰盟挂竞韩乌尤弱铺妹秦尊竹珠迅脉泥纯鬼睛刑途隆潮幅杯"
    "握幸谋剂奉乘抱朋谓频崇壮泛骑恐享鸡虫绍铜呈械摆欲奶绩敬措爆暴签猛郭嘉障缩亦废搞胞埃曰撤暖"
    "寒订俗阻盐萨勒忘奏伙孝贴灰梅触玩默醒胸莲篇柱裁纺啦淡抢捕闹截讯朗誉雅忍梦勇峡徒丈尾迷唱泉"
    "泰贫佳残闪伍呀疾署剩缘贼冠倾豆申麦诺泪羊尖辈镜涉贡爹摩妻殊贝糖零映甘骂奋岳雕饮棉跃汗启冒"
    "渡赞努阁阅斤裂患伏池鹿洗劲晋倍圈媒箭沟锋胆凭挑抬闯隔弄旋汤曹苗迁叹贯唯储振彻桌祭符僧衡炸"
    "喊凤黎郎援肥磁辽忌赏祥董仁辛净瑞询敏毁浪貌昨巧腿亩抽荷陷焦弃腹乃湘滑狗冬宏尸皆番伟桂览恢"
    "龄绕趣晶坡魏摸伴浓墨绪舍蓝荡井鸿旦症惯扎鸟闲窗辞聘穷堰宇键荒递恨阔隶厉锅杜湿腰袭侍灾涨叔"
    "寨幕豪郑磨浮薄券赤腐译租氧戴邓煤肠牧孤诏妙旨堡册胖柳吹丘趋锦颜悬陶拳诚尺晓插蒋艇扑勤穴摄"
    "燕垂罚辆戒稀腾链粗袋绘炎氏肩枝狂泊估杭臂哲寡偷懂琴悲盾炒稍矛愈呆炼籍颁吐违亭眉撞贷刊巡屈"
    "堆曼烦饰碎滚悉污寄浜迟描辅魔鼻盗餐幼凉仗冈驾澳菌肚肃爸仰抚慈扶盆仿纲倘杰碗渔忧惜扫暂祝跨"
    "宾漫寿猪涌凝邻顷赴恰劝仇践赋悄莱拟贤愤姆乏轰粒逼昆傅陕溶葬燃魂挺腊耐犹辉乳陪颇棋斜熊俊浅"
    "沈姊返翼丧惨拖驱袖惠涂添牵咸纤详碰割糊侯柔档扇岂跪拒绣覆吓拼宿偶揭赖烤卢颗娃邮伐循弦衰凯"
    "羽枚帅锁疏搭俱帐镄胶赫夹埋蒸壳彼脏钻箱浙弯瓜挡拱筹疆肿膜刷杆凶债甜泡玄贾谱遣薪尘灌咬填廊"
    "丛狼牢脊熙卒碑漠躲削徽踏贺朵遵狠菲撒扰蛇锡炉纹匹亏鉴慕跌奸慌穆邀芳爬豫吾棒淮捷耕艘溪齿醉"
    "脂兽滴盈卵滋柴妃浠碍瓶辩遂怨拨肌俘挖恒鸣励肝腔偿秒拦允塑拆靖耗尝凌披胁烂吏纽垸辟厘耶艰佩"
    "敦疼荐匠柏悠壤拾乔轴喷妖掩璃孟轨歇猜晨坊桑堤畅瞎氨辨鞋昏恭畜浩迪丢雾咨飘擦窝洁捉搬奈肤愁"
    "砖辣幽扣嘛赢藕挤舒狮耀诊篮唤尿梯弥勾霍舌侠筋枢屏衙殷栏纠恋惧笼寸冶鹤晃吊叙哩稿娜剥欺榜囊"
    "汪逆骗堪猎棺胎俩郊掘匆缝乙藻携慧函辱扯嫩滩癌悟祸秉慰驰狱砍糕漏吞纬茅渠浑催踪叛牲杖鞭腺邪"
    "欣汝碳彭咐椒绳颈漆遥夷郁斑忆阀卑宴闷抑逻嫁扭胃仔恼贪兆抛庸疯僭驶侦鹰斩猴蜂瘦赐柄椅泄轿拓"
    "扮砂傻粘辐啥伪碱玻昂玛侨圳吕吟仓刃饱冯钦哼庞儒叉臭艾蓉鼠祯捧舱坝芙瘤勃敲帽吻契舟夸葡剪抖"
    "霸艳宸聪仆躺瑶谦炭卧袍猫珊矩溜漂苍衔卜坑串浆碧巷咽铸迈押惩锐颤账疲滨履盒宅喀饿缠翁幻逢扁"
    "怜旱罕姻蓄磷惟帕掠稻劫撑姿肾胀慎哨摔谨鹅丑朴塘肺兑镑趁蜀贞哦禧葛仲惑蔡踢妥筒诞禀祀饼萄狭"
    "澶杩赔绵诱陀呵抹疫顽辰蓬摊倡浦翠煌茂畏劣氛廉鸭瓷唇戈秩弗拐悔尉挣芦鼎睁脾挨聊株纱枯冻幺溃"
    "茫哀氢芬锻轩蛮醇棍晕嫂宙酷郧欠稷鹏孕槽栖吩姚昭罐叠墩盼斋舆芒酬斥捐眠脆萧璋蚀皱卿淋卓翰钉"
    "棣丫宰阐翅哄沃霖爵涔衫逊铭戚硕旺擅嫌赌隋厌肖饶沪雇罩煎丐掷誓摘冤坤屁竭宛菱矮潭渊俺崖棚喇"
    "涵裕堵媳抄怔蒂肢瑜泌甫檐寂颠撰逝霜羞铅佐帖硫蹈瞬痕爽沧挽禅娶柯屯韵悦婴肴螺烛凑柜兹歼毅杉"
    "慨钧渗蜜遮窑谐厦匈喉愧栽扔苯谊肆霞吵夕壶赚谭尹窄弓饲盲勋窟俞嗣煮巾裤膨奠瞪珞愚姜膏喘膀蔬"
    "糟僚匾妄畴喂沔耻伞牺旭妨硅崩雌陛卸砸贩竖攀晒惹裹屠汁擒鳞佣刮渴浣叩龟雀掀泼僵唉璇亥屡钩瞒"
    "厮桐谅隙丞盯霉枣侄逸浸爪阙坟咳宠脖彪朕虹衍甸鳍讼虾芝涛巩熔峻怖嘿钬磕洒掏滞舅昔焕哑娱芯衷"
    "捞卦旬矣茨蜡喻挪婶琉厨枕娇豹傲腕巢氯燥焚禄旷乖嘱赠晌琦铃雁姨蹄焰缮虏粑饥潘兀捏缔歪蕴鸦庵"
    "嘻俯吁骤剿禽捣勉膝茎晴灏厢匀涯梨蒲呜驼匪撕嗯樊搏缚垄寓愣斌麋劈舵薛沸丸泳绸炬缴寰贱躯褐酶"
    "嚷锤拌颂帜陡刹募佑皖帘仑绑啡麓镖钠妆堕禾藤痴弊哇凰铝歧驴闸坠喃滥耍桶酱惶躬熬凿啸娥淘垫裙"
    "镞骚亨窃勘挫塌咖芽凸钙框哟翔逮舶锥灶怡魄浴蔽橡钥懒栗硝晰庐盏赦谕鄙拂菩琳沼圭屿砌倚棵瑰羲"
    "酿诈锌杏婉沦卤躁斧淳兔凛哎阮淫剖蕲烹姥咕蚕搅兜璧帆嫔暇趟裸粹吼哗冀瞻搁乞骇炕垮拘嵌笛鹃菊"
    "淀肪鞍愉犬弧蹲椎阎浏诵烘榴腥凄裘琼萝颊蟹棱灿摧骄怯淑梢缅丙暮媚驳钊沫糯崔谏炳畔襟敛垒苹觅"
    "拢胪诀奢叮榨瀹沾渝枉辜髓瑟棕萍贿泣嫣峨憾胺甩陂寇烯钓瞅坪暑耸傍睹薯溢谜咋缁嗓贬窜戟葱屑胚"
    "犁莎彦讽囚颖诡腻镓藩巍痒蹇芷粤赣沐膊婢喧逛贮恍菇邢绮厥澄邵耽衬锣恕烫毯仕镶镌昼闽勿桓钾膛"
    "歉膳詹坎桩碌狄沽侮寝妾荫嗽埔眷毙揪牡铲涡釜揽瀛梳咀雍倦岱厄恳弘淤尴玲祠搂粥衢呐戳秃瀑迭垃"
    "缸郝挠莽瑙瞄粟跋歹豚驿圾胳魁诧绒鞑谎尬陌讳蝶咒裔凳梭涅杈泻镐苇焉娟迦桦巫谣扒翊敷隅逾撇凹"
    "蚁氮苑妓潇禹朽寮郢伽绷粪诛醋栋谴隧簇踩礁衮庶噪嘲濂鲟彝柬斐沛卞篷祁耿溯嚼宦黔浇敞绞瓣窦蕃"
    "汰鲍遏埚魅槐鞘崭钞徙讶碟琐琢滤嗤绅蠢锰嵋弼腑瑚稽溉捆宵祈庇蒿蛛窍锷玫煞笨苔鸽泵袱薇捡拈驯"
    "骡肇砰垣迄斟灼澜"
)
"""The 3,000 most frequent Simplified hanzi (GB2312 ones), most frequent first,
summed from the word frequencies of jieba's dictionary (MIT licence); they cover
about 98.5% of running text."""

_NEWS_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—·％～．")


def is_hanzi(ch: str) -> bool:
    """Whether ``ch`` is one CJK ideograph ("" is not)."""
    if len(ch) != 1:
        return False
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3FFFF
    )


def is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# -- tables ------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    decode: dict[int, str]  # two-byte GBK code -> character
    encode: dict[str, int]  # character -> two-byte GBK code
    weight: dict[str, float]  # plausibility of every two-byte GBK character
    simplified: dict[str, str]  # hanzi -> its Simplified form
    by_lead: dict[int, str]  # lead byte -> the hanzi with it
    by_trail: dict[int, str]  # trail byte -> the hanzi with it
    full_width: dict[str, int]  # ASCII character -> GBK code of its full-width form
    phrases: frozenset[str]  # pairs in the listed words, Simplified
    subject: frozenset[str]  # pairs in the listed subject words
    phrase_after: dict[str, frozenset[str]]  # first character of a listed pair -> the seconds
    phrase_before: dict[str, frozenset[str]]  # second character of a listed pair -> the firsts
    not_traditional: frozenset[str]  # hanzi Big5 lacks: Simplified forms such as 员


def gb2312_level(code: int) -> int:
    """1 or 2 for a GBK code in GB2312's first or second level of hanzi, else 0."""
    lead, trail = code >> 8, code & 0xFF
    if not 0xA1 <= trail <= 0xFE:
        return 0
    if 0xB0 <= lead <= 0xD7:
        return 1
    if 0xD8 <= lead <= 0xF7:
        return 2
    return 0


def _read_phrases() -> tuple[frozenset[str], frozenset[str]]:
    """(pairs of every listed word, pairs of the subject words before ``# [general]``)."""
    text = resources.files("policybriefs").joinpath("data", "phrases.txt").read_text("utf-8")
    pairs: set[str] = set()
    subject: set[str] = set()
    general = False
    for line in text.splitlines():
        if line.startswith("#"):
            general = general or line.startswith("# [general]")
            continue
        for word in line.split():
            found = {word[k : k + 2] for k in range(len(word) - 1)}
            pairs |= found
            if not general:
                subject |= found
    return frozenset(pairs), frozenset(subject)


def _in_big5(ch: str) -> bool:
    try:
        ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def gbk_tables() -> Tables:
    decode: dict[int, str] = {}
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            try:
                decode[(lead << 8) | trail] = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
    encode = {ch: code for code, ch in decode.items() if ch != LOST_MARK}

    hanzi = [ch for ch in encode if is_hanzi(ch)]
    converted = opencc.OpenCC("t2s").convert("\n".join(hanzi)).split("\n")
    if len(converted) != len(hanzi):  # pragma: no cover - OpenCC keeps lines apart
        converted = hanzi
    simplified = dict(zip(hanzi, converted, strict=True))

    rank = {ch: k for k, ch in enumerate(_FREQUENT)}
    weight: dict[str, float] = {}
    for ch in encode:
        if is_hanzi(ch):
            simple = simplified[ch]
            k = rank.get(simple, len(_FREQUENT))
            level = gb2312_level(encode.get(simple, 0)) if len(simple) == 1 else 0
            if k < 1000:
                weight[ch] = _TOP_1000
            elif k < 2000:
                weight[ch] = _TOP_2000
            elif k < 3000:
                weight[ch] = _TOP_3000
            else:
                weight[ch] = {1: _LEVEL_1, 2: _LEVEL_2}.get(level, _EXTENSION)
        elif ch in _NEWS_PUNCT:
            weight[ch] = _PUNCT
        elif "\uff10" <= ch <= "\uff5a" and ch.isalnum():
            weight[ch] = _FULL_WIDTH_ALNUM
        else:
            weight[ch] = _SYMBOL

    by_lead: dict[int, list[str]] = {}
    by_trail: dict[int, list[str]] = {}
    for code, ch in sorted(decode.items()):
        if is_hanzi(ch):
            by_lead.setdefault(code >> 8, []).append(ch)
            by_trail.setdefault(code & 0xFF, []).append(ch)

    full_width: dict[str, int] = {}
    for o in range(0x21, 0x7F):
        wide = encode.get(chr(o + 0xFEE0))
        if wide is not None:
            full_width[chr(o)] = wide

    phrases, subject = _read_phrases()
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    for pair in phrases:
        after.setdefault(pair[0], set()).add(pair[1])
        before.setdefault(pair[1], set()).add(pair[0])
    return Tables(
        decode=decode,
        encode=encode,
        weight=weight,
        simplified=simplified,
        by_lead={k: "".join(v) for k, v in by_lead.items()},
        by_trail={k: "".join(v) for k, v in by_trail.items()},
        full_width=full_width,
        phrases=phrases,
        subject=subject,
        phrase_after={k: frozenset(v) for k, v in after.items()},
        phrase_before={k: frozenset(v) for k, v in before.items()},
        not_traditional=frozenset(ch for ch in hanzi if not _in_big5(ch)),
    )


def weight(tables: Tables, ch: str) -> float:
    w = tables.weight.get(ch)
    if w is not None:
        return w
    if ch == "?":
        return _ASCII_QUESTION
    if ch.isascii():
        if ch.isalpha():
            return _ASCII_LETTER
        if ch.isdigit():
            return _ASCII_DIGIT
        return _ASCII_PUNCT
    return _SYMBOL


def damaged_weight(tables: Tables, text: str, i: int) -> float:
    """The weight of ``text[i]`` in a run as it stands: an ASCII letter or digit
    next to another (GDP, 5G, 2019) is ordinary text, a lone one is not."""
    ch = text[i]
    if is_ascii_alnum(ch) and (
        (i > 0 and is_ascii_alnum(text[i - 1]))
        or (i + 1 < len(text) and is_ascii_alnum(text[i + 1]))
    ):
        return _ASCII_WORD
    return weight(tables, ch)


def simplify(tables: Tables, text: str) -> str:
    simplified = tables.simplified
    if len(text) == 2:  # the hot case: a candidate pair
        return simplified.get(text[0], text[0]) + simplified.get(text[1], text[1])
    return "".join(simplified.get(x, x) for x in text)
