# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Text content for the synthetic generator: English words and Chinese characters (MSRA-TD500, the target
benchmark, is about half Chinese). The detector never reads the text, so what matters is realistic glyph
shapes, word lengths and spacing, not meaning."""

ENGLISH_WORDS = """
the of and to in is for on with by at from open sale new free city park road street station exit entrance
welcome hotel bank coffee tea shop store market center centre bus stop taxi police school library museum
restaurant bakery pharmacy hospital office post north south east west main square avenue bridge river
garden house home book books music video photo cinema theatre theater club bar pub grill pizza burger
noodle rice fresh fruit fish meat food drink water juice beer wine milk bread cake ice cream hot cold
sweet spicy day night morning evening today tomorrow week month year time open closed push pull stop
slow danger caution warning please thank you only no parking entry private public toilet ladies
gentlemen men women kids baby fashion style beauty hair salon nail spa gym fitness sport sports team
game play fun love life world people family friend happy lucky star sun moon sky sea ocean beach island
mountain forest green blue red yellow black white gold silver orange pink purple grey brown light dark
big small large little long short high low fast first last best top one two three four five ten
hundred price offer discount special deal buy sell rent call phone mobile online email www net web shop
digital computer service repair car auto motor parts wash gas oil fuel energy power electric smart
national international global china chinese english language university college academy institute
company group limited industry trade business finance insurance capital plaza tower building floor
level gate door room hall way lane drive court place point view vista grand royal golden dragon phoenix
tiger lotus jade pearl harmony peace unity spring summer autumn winter rain snow wind cloud fire stone
""".split()

# Frequent characters of written Chinese (typed for this project; any common set would do).
CHINESE_CHARS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小"
    "么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民"
    "样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什"
    "打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处"
    "总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光"
    "王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义"
    "科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城"
    "父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史"
    "商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济"
    "喜离虽坏兴切团银行酒店餐厅超市药房医院学校公园广场大厦中心停车出口入口欢迎光临有限公司电话服务营业时间"
    "特价优惠新鲜美食小吃火锅面馆茶饮咖啡书店眼镜手机数码家电超值百货鞋帽服装饰品宾馆旅游宾至如归安全第一"
)


def english_line(rng, max_words=5):
    """1..max_words words, in lower, Title or UPPER case, sometimes with a number."""
    n = int(rng.integers(1, max_words + 1))
    words = [ENGLISH_WORDS[int(rng.integers(len(ENGLISH_WORDS)))] for _ in range(n)]
    if rng.random() < 0.15:
        words.insert(int(rng.integers(len(words) + 1)), str(int(rng.integers(1, 9999))))
    case = rng.random()
    if case < 0.35:
        words = [w.upper() for w in words]
    elif case < 0.7:
        words = [w.capitalize() for w in words]
    return words


def chinese_line(rng, min_chars=2, max_chars=12):
    """A run of characters with no spaces, as Chinese signs and lines are written."""
    n = int(rng.integers(min_chars, max_chars + 1))
    return "".join(CHINESE_CHARS[int(rng.integers(len(CHINESE_CHARS)))] for _ in range(n))
