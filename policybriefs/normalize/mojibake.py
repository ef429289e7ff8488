"""Reverse a one-byte GBK misalignment in scraped text, and mark what it lost.

The damage: a farm's Traditional text was encoded as GBK and a span of it was
decoded starting one byte late (the byte it skipped shows as ``?``), so each
character of the span shows the trail byte of one character joined to the lead
byte of the next (``海康養`` = ``ba a3 | bf b5 | f0 42`` read as ``a3 bf | b5 f0 |
42`` = ``？叼B``), and then the farm made full-width punctuation ASCII
(``？`` → ``?``). The decoder falls back into step by itself at the first byte
that cannot start a pair: a trail byte below 0x80 (read as an ASCII letter), or
a pair GBK does not map (read as U+FFFD, later ``?``, one byte consumed).

So a run is ``?`` + the shifted characters + an end: an ASCII letter (the last
character's trail byte), ``?`` (its trail byte lost) or the end of the text.
Re-encoding the run (ASCII punctuation back to full-width) and decoding it
with one unknown byte in front gives the original, except the first character
(only its trail byte survives) and, for a ``?`` end, the last one (only its
lead byte survives). Those are chosen from context when the surviving byte and
a word around them leave one choice, and otherwise kept visibly as LOST_MARK.

A run is repaired only when the realigned text is clearly more plausible than
the run as it stands. Plausibility is per character: a character whose
Simplified form is a common one (GB2312 level 1, GBK lead bytes 0xB0-0xD7)
scores high, a rare one (level 2) a little, a GBK extension character that no
Simplified form explains scores below zero, and kana, Greek, Cyrillic, pinyin
letters, box drawing and other symbols score far below. Words found elsewhere
in the article or in ``data/phrases.txt`` and a reading annotation that fits
the recovered character add evidence. Shifting clean text produces exactly the
junk the score penalizes (and many pairs GBK cannot map, which end a
candidate), so a genuine question mark before clean text is never taken for a
run.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import opencc
from pypinyin import Style, pinyin

from ..models import LOST_MARK, Edit

# Plausibility weights (see the module docstring). A hanzi is weighed by the
# frequency rank of its Simplified form (_FREQUENT), else by its GB2312 level.
_TOP_1000 = 1.5
_TOP_2000 = 1.2
_TOP_3000 = 0.8
_COMMON = 0.2  # other GB2312 level 1
_RARE = 0.0  # GB2312 level 2
_EXTENSION = -1.0  # a GBK extension character with no common Simplified form
_PUNCT = 0.5  # punctuation Chinese news uses
_FULL_WIDTH_ALNUM = -1.0  # Ａ, ０: the farm would have made these ASCII
_SYMBOL = -2.5  # kana, Greek, Cyrillic, pinyin letters, box drawing, other symbols
_ASCII_LETTER = -1.0
_ASCII_DIGIT = 0.8  # numbers are ordinary in news text
_ASCII_PUNCT = 0.3
_ASCII_WORD = 1.0  # a letter or digit next to another: a Latin word or a number
_ASCII_QUESTION = 0.0
_WORD_BONUS = 0.5  # per bigram seen elsewhere in the article or in the phrase list
_WORD_BONUS_CAP = 2.0
_READING_BONUS = 2.0  # the reading annotation after the run fits the realigned character

_MID_RUN_QUESTION = 3.0  # a "?" read as ？ inside a run, against U+FFFD ending it
_ENDS_AT_TEXT_END = 1.0  # a run cut by the end of the text rather than ended by a byte
# Realigned score minus damaged score needed to repair, when the "?" could be a
# question mark, and (lenient) when it stands where no question can end; each
# for runs giving back two or more characters, and one.
_MIN_GAIN = (2.0, 3.0)
_MIN_GAIN_LENIENT = (1.0, 1.5)
_MIN_GAIN_NONE = 2.0  # a run giving back no character (only its junk is removed), lenient only
_MIN_MEAN = 0.6  # mean weight of the recovered characters
_MAX_RUN = 80  # damaged characters examined after a "?"

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
    "握幸谋剂奉乘抱朋谓频崇壮泛骑纴恐享鸡虫绍铜呈械摆欲奶绩敬措爆暴签猛郭嘉障缩亦废搞胞埃曰撤"
    "暖寒订俗阻盐萨勒忘奏伙孝贴灰梅触玩默醒胸莲篇柱裁纺啦淡抢捕闹截讯朗誉雅忍梦勇峡徒丈尾迷唱"
    "泉泰贫佳残闪伍呀疾署剩缘贼冠倾豆申麦诺泪羊尖辈镜涉贡爹摩妻殊贝糖零映甘骂奋岳雕饮棉跃汗启"
    "冒渡赞努阁阅斤裂患伏池鹿洗劲晋倍圈媒箭沟锋胆凭挑抬闯隔弄旋汤曹苗迁叹贯唯储振彻桌祭符僧衡"
    "炸喊凤黎郎援肥磁辽忌赏祥董仁辛净瑞询敏毁浪貌昨巧腿亩抽荷陷焦弃腹乃湘滑狗冬宏尸皆番伟桂览"
    "恢龄绕趣晶坡魏摸伴浓墨绪舍蓝荡井鸿旦症惯扎鸟闲窗辞聘穷堰宇键荒递恨阔隶厉锅杜湿腰袭侍灾涨"
    "叔寨幕豪郑磨浮薄券赤腐译租氧戴邓煤肠牧孤诏妙旨堡册胖柳吹丘趋锦颜悬陶拳诚尺晓插蒋艇扑勤穴"
    "摄燕垂罚辆戒稀腾链粗袋绘炎氏肩枝狂泊估杭臂哲寡偷懂琴悲盾炒稍矛愈呆炼籍颁吐违亭眉撞贷刊巡"
    "屈堆曼烦饰碎滚悉污寄浜迟描辅魔鼻盗餐幼凉仗冈驾澳銆菌肚肃爸仰抚慈扶盆仿纲倘杰碗渔忧惜扫暂"
    "祝跨宾漫寿猪涌凝邻顷赴恰劝仇践赋悄莱拟贤愤姆乏轰粒逼昆傅陕溶葬燃魂挺腊耐犹辉乳陪颇棋斜殑"
    "熊俊浅沈姊返翼丧惨拖驱袖惠涂添牵咸纤详碰割糊侯柔档扇岂跪拒绣覆吓拼宿偶揭赖烤卢颗娃邮伐循"
    "弦衰凯羽枚帅锁疏搭俱帐镄胶赫夹埋蒸壳剉彼脏钻箱浙弯瓜挡拱筹疆肿膜刷杆凶债甜泡玄贾谱遣薪尘"
    "灌咬填廊丛狼牢脊熙卒碑漠躲削徽踏贺朵遵狠菲撒扰蛇锡炉纹匹亏鉴慕跌奸慌穆邀芳爬豫吾棒淮捷耕"
    "艘溪齿醉脂兽滴盈卵滋柴妃浠碍瓶辩遂怨拨肌俘挖恒鸣励肝腔偿秒拦允塑拆靖耗尝凌披胁烂吏纽垸辟"
    "厘耶艰佩敦疼荐匠柏悠壤拾乔轴喷妖掩璃孟轨歇猜晨坊桑堤畅瞎氨辨鞋昏恭畜浩迪丢雾咨飘擦窝洁捉"
    "搬奈肤愁砖辣幽扣嘛赢藕挤舒狮耀诊篮唤尿梯弥勾霍舌侠筋枢屏衙殷栏纠恋惧笼寸冶鹤晃吊叙哩稿娜"
    "剥欺榜囊汪逆骗堪猎棺胎俩郊掘匆缝乙藻携慧函辱扯嫩滩癌悟祸秉慰驰狱砍糕漏吞纬茅渠浑催踪叛牲"
    "杖鞭腺邪欣汝碳彭咐椒绳颈漆遥夷郁斑忆阀卑宴闷抑逻嫁扭胃仔恼贪兆抛庸疯屽僭驶侦鹰斩猴蜂瘦赐"
    "柄椅泄轿拓扮砂傻粘辐啥鏄伪碱玻昂玛侨圳吕吟仓刃饱冯钦哼庞儒叉臭艾蓉鼠祯捧舱坝芙瘤勃敲帽吻"
    "契舟夸葡剪抖霸艳宸聪仆躺瑶谦炭卧袍猫珊矩溜漂苍衔卜坑串浆碧巷咽铸迈押惩锐颤账疲滨履盒宅喀"
    "饿缠翁幻逢扁怜旱罕姻蓄磷惟槸帕掠稻劫撑姿肾胀慎哨摔谨鹅丑朴塘肺兑镑趁蜀贞哦禧葛仲惑蔡踢妥"
    "筒诞禀祀饼萄狭澶杩赔绵诱陀呵抹疫顽辰蓬摊倡浦翠煌茂畏劣氛廉鸭瓷唇戈秩弗拐悔尉挣芦鼎睁脾挨"
    "聊株纱枯冻幺溃茫哀氢芬锻轩蛮醇棍晕嫂宙酷郧欠稷鹏孕槽栖吩姚昭罐叠墩盼斋舆芒酬斥捐眠脆萧璋"
    "蚀皱卿淋卓翰钉棣丫宰阐翅哄沃霖爵涔衫逊铭戚硕旺擅嫌赌隋厌肖饶沪雇罩煎丐掷誓摘竴冤坤屁竭屾"
    "宛菱矮潭渊俺崖棚喇涵裕堵媳抄鍙怔蒂肢瑜泌甫檐寂颠撰逝霜羞铅佐帖硫蹈鍦瞬痕爽沧挽禅娶柯屯韵"
    "悦婴肴螺烛凑柜兹歼毅杉慨钧渗蜜遮窑谐厦匈喉愧栽扔苯谊肆霞吵屼笉夕壶赚谭尹窄弓饲盲勋窟俞嗣"
    "煮巾裤膨奠瞪珞愚姜膏喘膀蔬糟僚匾妄畴喂沔耻伞牺旭妨硅崩雌陛卸砸贩竖佸攀晒惹裹屠汁擒鳞佣刮"
    "渴浣叩龟雀掀泼僵唉璇亥屡钩瞒厮哊桐谅隙丞盯霉枣侄逸浸爪阙坟咳宠脖彪朕虹衍甸鳍讼虾芝涛巩熔"
    "峻怖嘿钬磕洒掏滞舅昔焕钖哑娱芯衷捞卦旬矣茨蜡喻挪婶琉厨枕娇豹傲腕巢氯燥焚禄旷乖嘱赠晌琦铃"
    "雁姨蹄焰缮虏𫔄粑饥潘兀捏缔歪蕴鸦庵嘻俯吁骤剿禽捣勉膝茎晴灏厢匀涯梨蒲呜驼匪撕嗯樊搏缚垄寓"
    "愣斌麋劈舵薛沸丸泳绸炬缴寰贱躯褐酶嚷锤拌颂帜陡鍏刹募佑皖帘仑鎴绑啡麓𨱒镖钠妆堕禾藤痴弊哇"
    "凰铝歧驴闸坠喃滥耍桶酱惶躬熬凿啸娥剅淘垫裙镞骚亨窃勘挫塌咖芽凸钙框哟翔逮舶锥灶怡魄浴蔽橡"
    "钥懒栗硝晰庐盏赦谕鄙拂菩琳沼圭屿砌倚棵瑰羲酿诈锌杏婉沦卤躁斧淳兔凛哎阮淫剖蕲烹姥咕蚕搅兜"
    "璧帆嫔暇趟裸粹吼哗冀瞻搁乞骇炕垮拘岃嵌笛鹃菊淀肪鞍愉犬弧蹲椎阎浏诵烘榴腥凄裘琼萝颊蟹棱灿"
    "摧骄怯淑梢缅丙暮媚驳钊沫糯崔谏炳畔襟敛垒苹觅鍑拢胪诀奢叮榨瀹沾傚渝枉辜髓瑟棕萍贿泣嫣峨憾"
    "胺甩陂寇烯钓瞅坪暑耸傍睹垜薯溢谜咋缁嗓贬窜戟葱屑湁胚犁莎彦讽囚颖诡腻镓藩勫巍痒蹇芷粤赣湪"
    "沐膊婢喧逛贮恍菇𬤇邢绮厥澄邵耽衬锣恕烫毯仕镶镌昼闽勿繖桓钾膛歉膳詹坎桩碌垱狄沽侮寝妾荫嗽"
    "埔眷毙揪牡铲涡鍐釜揽瀛梳咀雍倦岱厄恳弘淤尴玲祠搂粥衢呐戳秃瀑迭垃缸郝挠莽瑙瞄粟跋歹豚驿圾"
    "胳魁诧绒鞑谎尬陌粬讳蝶咒裔凳梭涅杈泻镐苇焉娟迦桦巫谣扒翊敷隅逾撇凹蚁氮苑妓綘潇禹朽寮郢伽"
    "绷粪诛醋栋谴隧簇踩礁衮庶笅噪嘲濂鲟彝柬斐沛卞篷祁耿溯嚼宦黔浇敞绞瓣傛窦蕃嶅汰鲍遏埚魅槐鞘"
    "崭钞徙讶碟琐琢滤"
)
"""The 3,000 most frequent Simplified hanzi, most frequent first (summed from the
word frequencies of jieba's dictionary); they cover about 98.5% of running text."""

_LOST_BYTE = -1  # an unknown byte in a lost character's code

_NEWS_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—·％～．")
_OPENING = frozenset("“‘《〈「『【〔（")
_CLAUSE_END = frozenset("，。！？；：,.!?;:\n")
_CLAUSE_INSIDE = frozenset("，、；：“‘（《「『【〔,;:")
_INTERROGATIVE_CHARS = frozenset("吗嗎呢么麼谁誰何哪怎几幾")
_INTERROGATIVE_WORDS = ("是否", "多少")
_SENTENCE_START_FOR_STOP = frozenset("!;！；")
_TRIGGER = re.compile("[?\ufffd]")
_QUESTION_MARKS = re.compile(r"\?+")

_PINYIN_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A reading annotation right after a run: "(yǎng)", or "yǎng)" when "(" was swallowed.
_ANNOTATION_AFTER = re.compile(
    rf"[(（]\s?([{_PINYIN_LETTERS}]{{1,7}})[1-5]?\s*[)）]"
    rf"|([{_PINYIN_LETTERS}]{{0,6}}[{_TONED}][{_PINYIN_LETTERS}]{{0,6}})\s?[)）]"
)
_ANNOTATION = re.compile(rf"[(（]\s?[{_PINYIN_LETTERS}]{{1,7}}[1-5]?\s*[)）]")


def _is_hanzi(ch: str) -> bool:
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


@dataclass(frozen=True)
class _Tables:
    decode: dict[int, str]  # two-byte GBK code -> character
    encode: dict[str, int]  # character -> two-byte GBK code
    weight: dict[str, float]  # every two-byte GBK character
    simplified: dict[str, str]  # hanzi -> its Simplified form (one character when OpenCC gives one)
    by_lead: dict[int, str]  # lead byte -> the hanzi with it
    by_trail: dict[int, str]  # trail byte -> the hanzi with it
    full_width: dict[str, int]  # ASCII punctuation or letter -> code of its full-width form
    phrases: frozenset[str]  # bigrams of the whole phrase list, Simplified
    domain: frozenset[str]  # bigrams of its subject words


def _gb2312_level(code: int) -> int:
    lead, trail = code >> 8, code & 0xFF
    if trail < 0xA1 or trail > 0xFE:
        return 0
    if 0xB0 <= lead <= 0xD7:
        return 1
    if 0xD8 <= lead <= 0xF7:
        return 2
    return 0


def _read_phrases() -> tuple[frozenset[str], frozenset[str]]:
    """(bigrams of every listed word, bigrams of the subject words before ``# [general]``)."""
    text = resources.files("policybriefs").joinpath("data", "phrases.txt").read_text("utf-8")
    bigrams: set[str] = set()
    domain: set[str] = set()
    general = False
    for line in text.splitlines():
        if line.startswith("#"):
            general = general or line.startswith("# [general]")
            continue
        for word in line.split():
            pairs = {word[k : k + 2] for k in range(len(word) - 1)}
            bigrams.update(pairs)
            if not general:
                domain.update(pairs)
    return frozenset(bigrams), frozenset(domain)


@functools.cache
def _tables() -> _Tables:
    decode: dict[int, str] = {}
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            try:
                ch = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            decode[(lead << 8) | trail] = ch
    encode = {ch: code for code, ch in decode.items() if ch != LOST_MARK}

    hanzi = [ch for ch in encode if _is_hanzi(ch)]
    converted = opencc.OpenCC("t2s").convert("\n".join(hanzi)).split("\n")
    if len(converted) != len(hanzi):  # pragma: no cover - OpenCC keeps lines apart
        converted = hanzi
    simplified = dict(zip(hanzi, converted, strict=True))

    rank = {ch: k for k, ch in enumerate(_FREQUENT)}
    weight: dict[str, float] = {}
    for ch, code in encode.items():
        if _is_hanzi(ch):
            simple = simplified[ch]
            level = _gb2312_level(encode.get(simple, 0)) if len(simple) == 1 else 0
            k = rank.get(simple, len(_FREQUENT))
            if k < 1000:
                weight[ch] = _TOP_1000
            elif k < 2000:
                weight[ch] = _TOP_2000
            elif k < 3000:
                weight[ch] = _TOP_3000
            else:
                weight[ch] = _COMMON if level == 1 else _RARE if level == 2 else _EXTENSION
        elif ch in _NEWS_PUNCT:
            weight[ch] = _PUNCT
        elif "\uff10" <= ch <= "\uff5a" and ch.isalnum():
            weight[ch] = _FULL_WIDTH_ALNUM
        else:
            weight[ch] = _SYMBOL

    by_lead: dict[int, list[str]] = {}
    by_trail: dict[int, list[str]] = {}
    for code, ch in sorted(decode.items()):
        if _is_hanzi(ch):
            by_lead.setdefault(code >> 8, []).append(ch)
            by_trail.setdefault(code & 0xFF, []).append(ch)

    full_width: dict[str, int] = {}
    for o in range(0x21, 0x7F):
        code = encode.get(chr(o + 0xFEE0))
        if code is not None:
            full_width[chr(o)] = code

    phrases, domain = _read_phrases()
    return _Tables(
        decode=decode,
        encode=encode,
        weight=weight,
        simplified=simplified,
        by_lead={k: "".join(v) for k, v in by_lead.items()},
        by_trail={k: "".join(v) for k, v in by_trail.items()},
        full_width=full_width,
        phrases=phrases,
        domain=domain,
    )


def _weight(tables: _Tables, ch: str) -> float:
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


def _damaged_weight(tables: _Tables, text: str, i: int) -> float:
    """The weight of ``text[i]`` as part of a run: an ASCII letter or digit inside a
    longer ASCII word (GDP, 5G, 2019) is ordinary text, a lone one is not."""
    ch = text[i]
    if ch.isascii() and ch.isalnum():
        if (i > 0 and text[i - 1].isascii() and text[i - 1].isalnum()) or (
            i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalnum()
        ):
            return _ASCII_WORD
    return _weight(tables, ch)


@functools.lru_cache(maxsize=8)
def _clean(text: str) -> str:
    """Text without reading annotations, for looking words up."""
    return _ANNOTATION.sub("", text)


@functools.lru_cache(maxsize=4096)
def _readings(ch: str) -> frozenset[str]:
    found: set[str] = set()
    for group in pinyin(ch, heteronym=True, style=Style.TONE, errors="ignore"):
        found.update(r.lower() for r in group)
    return frozenset(found)


@dataclass(frozen=True)
class _Lost:
    """A character of the run whose code is known only in part."""

    lead: int  # _LOST_BYTE when unknown
    trail: int


@dataclass(frozen=True)
class _Candidate:
    end: int  # index in the text just after the run
    body: str  # the damaged characters after the leading "?" that were realigned
    recovered: str  # their realigned text, without the lost characters
    first_trail: int  # trail byte of the lost first character, _LOST_BYTE if unknown
    last: _Lost | None  # the lost last character, if any
    last_before: str  # the damaged text standing for the lost last character ("?" or "")
    gain: float


def _word_bonus(tables: _Tables, text: str, ctx: str, para: str) -> float:
    """Evidence from bigrams of ``text`` seen elsewhere in the article or in the phrase list."""
    bonus = 0.0
    simplified = tables.simplified
    for k in range(len(text) - 1):
        a, b = text[k], text[k + 1]
        if not (_is_hanzi(a) and _is_hanzi(b)):
            continue
        bigram = a + b
        if _simplify(tables, bigram) in tables.phrases or (
            ctx and ctx.count(bigram) > para.count(bigram)
        ):
            bonus += _WORD_BONUS
            if bonus >= _WORD_BONUS_CAP:
                return _WORD_BONUS_CAP
    return bonus


def _reading_after(text: str, end: int) -> str | None:
    """The reading in an annotation starting at ``end``, if one does."""
    match = _ANNOTATION_AFTER.match(text, end)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).lower()


def _candidates(tables: _Tables, text: str, start: int) -> list[_Candidate]:
    """Every way the damaged text after ``text[start]`` (a "?") can be realigned."""
    decode, encode, full_width = tables.decode, tables.encode, tables.full_width
    found: list[_Candidate] = []
    recovered: list[str] = []
    damaged_score = 0.0
    recovered_score = 0.0
    first_trail = _LOST_BYTE
    pending = _LOST_BYTE  # the lead byte waiting for its trail
    n = len(text)
    i = start + 1
    limit = min(n, start + 1 + _MAX_RUN)

    def add(end: int, tail: str, tail_score: float, last: _Lost | None, last_before: str) -> None:
        if not recovered and not tail and not last:
            return
        found.append(
            _Candidate(
                end=end,
                body=text[start + 1 : end - len(last_before)],
                recovered="".join(recovered) + tail,
                first_trail=first_trail,
                last=last,
                last_before=last_before,
                gain=recovered_score + tail_score - damaged_score,
            )
        )

    while i < limit:
        d = text[i]
        code: int | None
        if d == "?" or d == "\ufffd":
            if pending != _LOST_BYTE:
                # The shifted decoder failed on the last character's trail byte.
                damaged_score += _damaged_weight(tables, text, i)
                add(i + 1, "", 0.0, _Lost(pending, _LOST_BYTE), d)
                damaged_score -= _damaged_weight(tables, text, i)
            if d != "?":
                break
            code = full_width.get(d)
            if pending != _LOST_BYTE:
                damaged_score += _MID_RUN_QUESTION
        elif d.isascii():
            o = ord(d)
            if 0x40 <= o <= 0x7E and pending != _LOST_BYTE:
                # A trail byte below 0x80 read on its own: the decoder is back in step.
                ch = decode.get((pending << 8) | o)
                if ch is not None:
                    damaged_score += _damaged_weight(tables, text, i)
                    add(i + 1, ch, _weight(tables, ch), None, "")
                    damaged_score -= _damaged_weight(tables, text, i)
            code = full_width.get(d)
        else:
            code = encode.get(d)
        if code is None:
            break
        lead, trail = code >> 8, code & 0xFF
        if pending == _LOST_BYTE:
            first_trail = lead
        else:
            ch = decode.get((pending << 8) | lead)
            if ch is None:
                break  # the original text cannot have held this pair
            recovered.append(ch)
            recovered_score += _weight(tables, ch)
        damaged_score += _damaged_weight(tables, text, i)
        i += 1
        if trail < 0x80:
            # The next original byte was ASCII: it follows in step.
            add(i, chr(trail), 0.0, None, "")
            return found
        if trail == 0x80 or trail == 0xFF:
            return found  # cannot be the lead byte of the next character
        pending = trail
    if i == n and pending != _LOST_BYTE:
        add(n, "", -_ENDS_AT_TEXT_END, _Lost(pending, _LOST_BYTE), "")
    return found


def _accepts(tables: _Tables, cand: _Candidate, lenient: bool) -> bool:
    hanzi_etc = [c for c in cand.recovered if not c.isascii()]
    if not hanzi_etc:
        return lenient and cand.last is not None and cand.gain >= _MIN_GAIN_NONE
    mean = sum(_weight(tables, c) for c in hanzi_etc) / len(hanzi_etc)
    many, one = _MIN_GAIN_LENIENT if lenient else _MIN_GAIN
    needed = many if len(hanzi_etc) > 1 else one
    return cand.gain >= needed and mean >= _MIN_MEAN


def _best_run(
    tables: _Tables, text: str, start: int, context: str, lenient: bool
) -> _Candidate | None:
    cands = _candidates(tables, text, start)
    if not cands:
        return None
    slack = _WORD_BONUS_CAP + _READING_BONUS
    ctx = para = ""
    best: _Candidate | None = None
    for cand in cands:
        if cand.gain + slack < _MIN_GAIN_LENIENT[0]:
            continue
        if not ctx and context:
            ctx, para = _clean(context), _clean(text)
        gain = cand.gain
        gain += _word_bonus(tables, cand.recovered, ctx, para)
        gain -= _word_bonus(tables, cand.body, ctx, para)
        reading = _reading_after(text, cand.end)
        if reading is not None and cand.last is None:
            last_recovered = cand.recovered[-1:]
            last_damaged = cand.body[-1:] if cand.body else ""
            if last_recovered and reading in _readings(last_recovered):
                gain += _READING_BONUS
            elif last_damaged and reading in _readings(last_damaged):
                gain -= _READING_BONUS
        scored = _Candidate(
            cand.end,
            cand.body,
            cand.recovered,
            cand.first_trail,
            cand.last,
            cand.last_before,
            gain,
        )
        if _accepts(tables, scored, lenient) and (best is None or scored.gain > best.gain):
            best = scored
    return best


def _simplify(tables: _Tables, text: str) -> str:
    simplified = tables.simplified
    return "".join(simplified.get(x, x) for x in text)


def _listed(tables: _Tables, bigram: str) -> bool:
    return _simplify(tables, bigram) in tables.phrases


def _infer(
    tables: _Tables,
    candidates: str,
    left: str,
    right: str,
    ctx: str,
) -> tuple[str, str] | None:
    """The one candidate the words around it point to, and the evidence.

    Strong evidence is a word with a neighbour that the article uses elsewhere
    (twice, or once when it is a listed phrase) or a subject word of the
    phrase list: one candidate with it wins. Without any, a candidate making
    general listed words on both sides wins when it is the only one. Anything
    else leaves the character lost.
    """
    strong: dict[str, str] = {}
    both: dict[str, str] = {}
    for c in candidates:
        sides: list[str] = []
        for bigram in (left + c if left else "", c + right if right else ""):
            if len(bigram) != 2:
                continue
            simple = _simplify(tables, bigram)
            seen = ctx.count(bigram) if ctx else 0
            listed = simple in tables.phrases
            if simple in tables.domain:
                strong.setdefault(c, f"{bigram} (a listed subject word)")
            elif seen >= 2 or (seen and listed):
                strong.setdefault(c, f"{bigram} (used elsewhere in the article)")
            if listed:
                sides.append(bigram)
        if len(sides) == 2:
            both[c] = f"{sides[0]} and {sides[1]} (listed words)"
    if strong:
        if len(strong) == 1:
            (c, evidence), *_ = strong.items()
            return c, f"the only character allowed by the byte that makes {evidence}"
        return None
    if len(both) == 1:
        (c, evidence), *_ = both.items()
        return c, f"the only character allowed by the byte that makes {evidence}"
    return None


def _neighbour_before(text: str) -> str:
    """The last character of ``text``, skipping a reading annotation."""
    stripped = _ANNOTATION.sub("", text[-16:])
    return stripped[-1:] if stripped and _is_hanzi(stripped[-1]) else ""


def _neighbour_after(text: str, pos: int) -> str:
    match = _ANNOTATION.match(text, pos)
    if match:
        pos = match.end()
    return text[pos] if pos < len(text) and _is_hanzi(text[pos]) else ""


def _fill_first(tables: _Tables, cand: _Candidate, left: str, ctx: str) -> tuple[str, str, str]:
    """(kind, character, note) for the run's lost first character."""
    trail = cand.first_trail
    if trail == 0xA3 and cand.body[:1] in _SENTENCE_START_FOR_STOP:
        return "mojibake-inferred", "。", "sentence end: trail byte a3 before ！/； realigned"
    right = cand.recovered[:1] if _is_hanzi(cand.recovered[:1]) else ""
    options = tables.by_trail.get(trail, "") if trail != _LOST_BYTE else ""
    inferred = _infer(tables, options, left, right, ctx) if options else None
    if inferred is not None:
        ch, how = inferred
        return "mojibake-inferred", ch, f"trail byte {trail:02x}: {how}"
    note = f"only the trail byte {trail:02x} survives" if trail != _LOST_BYTE else ""
    return "unrecoverable", LOST_MARK, note


def _fill_last(tables: _Tables, cand: _Candidate, text: str, ctx: str) -> tuple[str, str, str]:
    """(kind, character, note) for the run's lost last character."""
    assert cand.last is not None
    lead = cand.last.lead
    options = tables.by_lead.get(lead, "")
    reading = _reading_after(text, cand.end)
    if reading is not None and options:
        fitting = "".join(c for c in options if reading in _readings(c))
        if len(fitting) == 1:
            return (
                "mojibake-inferred",
                fitting,
                f"lead byte {lead:02x}: the only character read {reading}",
            )
        if fitting:
            options = fitting
    left = cand.recovered[-1:] if _is_hanzi(cand.recovered[-1:]) else ""
    right = _neighbour_after(text, cand.end)
    inferred = _infer(tables, options, left, right, ctx) if options else None
    if inferred is not None:
        ch, how = inferred
        return "mojibake-inferred", ch, f"lead byte {lead:02x}: {how}"
    return "unrecoverable", LOST_MARK, f"only the lead byte {lead:02x} survives"


def _cannot_be_question(text: str, start: int, before: str) -> bool:
    """Whether the mark at ``start`` stands where no question ends: mid-clause, or first."""
    if text[start] == "\ufffd":
        return True
    prev = before[-1:]
    if not prev or prev in _CLAUSE_INSIDE:
        return True
    return _is_hanzi(prev) and not _is_question(list(before), len(before))


def _lone_trail_byte(text: str, start: int, before: str) -> bool:
    """Whether ``?X`` at ``start`` is one character of which only the trail byte X is left.

    A misaligned span whose first character has a trail byte below 0x80 shows
    as "?" and that byte as an ASCII letter, with the text in step after it.
    ``before`` is the (repaired) text before ``start``.
    """
    if start + 2 >= len(text):
        return False
    letter, nxt = text[start + 1], text[start + 2]
    if not (0x40 <= ord(letter) <= 0x7E and _is_hanzi(nxt)):
        return False
    prev = before[-1:]
    if prev.isascii() and prev.isalnum():
        return False
    if text[start] == "?" and prev and _is_hanzi(prev):
        return not _is_question(list(before), len(before))
    return True


def _is_question(chars: list[str], pos: int) -> bool:
    """Whether the "?" at ``chars[pos]`` ends a question (an interrogative word in its clause)."""
    k = pos - 1
    clause: list[str] = []
    while k >= 0 and pos - k <= 40 and chars[k] not in _CLAUSE_END:
        clause.append(chars[k])
        k -= 1
    if any(c in _INTERROGATIVE_CHARS for c in clause):
        return True
    words = "".join(reversed(clause))
    return any(w in words for w in _INTERROGATIVE_WORDS)


def _mark_lost(text: str, paragraph: int | None) -> tuple[str, list[Edit]]:
    """U+FFFD, and "?" standing where no question mark can, become LOST_MARK.

    That is one to three "?" before a hanzi, after a hanzi whose clause asks
    nothing (no interrogative word), after clause-internal punctuation or at
    the start; or a "?" carrying a reading annotation. A "?" after 吗, 什么,
    是否 and the like, or before a closing quote or the end, is left alone.
    """
    if "\ufffd" not in text and "?" not in text:
        return text, []
    chars = list(text)
    edits: list[Edit] = []
    for k, ch in enumerate(chars):
        if ch == "\ufffd":
            chars[k] = LOST_MARK
            edits.append(Edit("unrecoverable", ch, LOST_MARK, paragraph, k, "replacement character"))
    for match in _QUESTION_MARKS.finditer(text):
        a, b = match.span()
        if b - a > 3:
            continue
        prev = chars[a - 1] if a > 0 else ""
        nxt = chars[b] if b < len(chars) else ""
        if _reading_after(text, b) is not None and not (prev.isascii() and prev.isalnum()):
            note = "a character the page could not hold, before its reading"
        elif _is_hanzi(nxt) and (
            not prev or prev in _CLAUSE_INSIDE or (_is_hanzi(prev) and not _is_question(chars, a))
        ):
            note = "a character the page could not hold"
        else:
            continue
        for k in range(a, b):
            chars[k] = LOST_MARK
            edits.append(Edit("unrecoverable", "?", LOST_MARK, paragraph, k, note))
    if not edits:
        return text, []
    edits.sort(key=lambda e: e.offset)
    return "".join(chars), edits


def _repair_runs(
    tables: _Tables, text: str, paragraph: int | None, context: str
) -> tuple[str, list[Edit]]:
    pieces: list[str] = []
    edits: list[Edit] = []
    out_len = 0
    last = 0
    pos = 0
    while True:
        match = _TRIGGER.search(text, pos)
        if match is None:
            break
        start = match.start()
        before = "".join(pieces[-3:]) + text[last:start]
        cand = _best_run(tables, text, start, context, _cannot_be_question(text, start, before))
        if cand is None:
            if _lone_trail_byte(text, start, before):
                ctx = _clean(context) if context else ""
                head = text[last:start]
                pieces.append(head)
                out_len += len(head)
                trail = ord(text[start + 1])
                left = _neighbour_before("".join(pieces[-3:]))
                right = _neighbour_after(text, start + 2)
                options = tables.by_trail.get(trail, "")
                inferred = _infer(tables, options, left, right, ctx) if options else None
                if inferred is None:
                    kind, ch, note = "unrecoverable", LOST_MARK, f"only the trail byte {trail:02x} survives"
                else:
                    kind, ch = "mojibake-inferred", inferred[0]
                    note = f"trail byte {trail:02x}: {inferred[1]}"
                edits.append(Edit(kind, text[start : start + 2], ch, paragraph, out_len, note))
                pieces.append(ch)
                out_len += len(ch)
                last = pos = start + 2
                continue
            pos = start + 1
            continue
        ctx = _clean(context) if context else ""
        head = text[last:start]
        pieces.append(head)
        out_len += len(head)
        left = _neighbour_before("".join(pieces[-3:]))
        kind, first, note = _fill_first(tables, cand, left, ctx)
        edits.append(Edit(kind, text[start], first, paragraph, out_len, note))
        pieces.append(first)
        out_len += len(first)
        edits.append(
            Edit(
                "mojibake",
                cand.body,
                cand.recovered,
                paragraph,
                out_len,
                "GBK decoded one byte late, realigned",
            )
        )
        pieces.append(cand.recovered)
        out_len += len(cand.recovered)
        if cand.last is not None:
            kind, ch, note = _fill_last(tables, cand, text, ctx)
            edits.append(Edit(kind, cand.last_before, ch, paragraph, out_len, note))
            pieces.append(ch)
            out_len += len(ch)
        last = pos = cand.end
    if not edits:
        return text, []
    pieces.append(text[last:])
    return "".join(pieces), edits


def _one_pass(text: str, paragraph: int | None, context: str) -> tuple[str, list[Edit]]:
    if "?" not in text and "\ufffd" not in text:
        return text, []
    tables = _tables()
    text, run_edits = _repair_runs(tables, text, paragraph, context)
    text, lost_edits = _mark_lost(text, paragraph)
    return text, run_edits + lost_edits


def repair_gbk_misalignment(
    text: str, *, paragraph: int | None, context: str = ""
) -> tuple[str, list[Edit]]:
    """Repair GBK runs decoded one byte late, and mark characters the page lost.

    ``context`` is the whole article, used to choose lost characters by the
    words around them. Returns the repaired text and one Edit per change, each
    with the offset of its ``after`` in the returned text.
    """
    return _one_pass(text, paragraph, context)
