/** Hand-written lists, part A: documents, vehicles, registers (see generate-catalogue.ts). */
import type { Item, Matrix, QueueSpec } from './generate-catalogue';

type Actions = [string, string, string, number][];

export function QUEUES_A(matrix: Matrix, documentActions: Actions): QueueSpec[] {
  const idKinds: [string, string, string, number][] = [
    ['adult', 'Személyazonosító igazolvány', 'Identity card', 10],
    ['minor', 'Személyazonosító igazolvány 14 éven aluli részére', 'Identity card for a child under 14', 12],
    ['temp', 'Ideiglenes személyazonosító igazolvány', 'Temporary identity card', 6],
  ];
  const passportKinds: [string, string, string, number][] = [
    ['private', 'Magánútlevél', 'Passport', 12],
    ['second', 'Második magánútlevél', 'Second passport', 14],
    ['minor', 'Magánútlevél kiskorú részére', 'Passport for a minor', 15],
    ['temporary', 'Ideiglenes magánútlevél', 'Emergency passport', 10],
  ];
  const vehicleKinds: [string, string, string, number][] = [
    ['car', 'Személygépkocsi', 'Passenger car', 15],
    ['motorcycle', 'Motorkerékpár', 'Motorcycle', 14],
    ['moped', 'Segédmotoros kerékpár', 'Moped', 12],
    ['trailer', 'Pótkocsi', 'Trailer', 12],
    ['truck', 'Tehergépkocsi', 'Truck', 18],
    ['bus', 'Autóbusz', 'Bus', 20],
    ['tractor', 'Lassú jármű és mezőgazdasági vontató', 'Slow vehicle or agricultural tractor', 16],
  ];
  const vehicleActions: Actions = [
    ['register', 'forgalomba helyezés', 'first registration', 10],
    ['owner', 'tulajdonjog-változás bejegyzése', 'registration of a change of owner', 5],
    ['withdraw', 'végleges forgalomból kivonás', 'permanent deregistration', 0],
    ['suspend', 'ideiglenes forgalomból kivonás', 'temporary deregistration', 0],
    ['reinstate', 'újraforgalomba helyezés', 're-registration', 5],
    ['plates', 'rendszámtábla pótlása', 'replacement number plates', 0],
    ['certificate', 'forgalmi engedély pótlása', 'replacement registration certificate', 0],
    ['title', 'törzskönyv pótlása', 'replacement title document', 3],
    ['datachange', 'adatváltozás átvezetése', 'recording a change of data', 0],
  ];
  const vehicleItems: Item[] = [
    ['temp-plates', 'Ideiglenes rendszám kiadása', 'Temporary number plates', 12],
    ['e-plates', 'Zöld (elektromos) rendszám kiadása', 'Green number plates for an electric vehicle', 12],
    ['oldtimer', 'Veterán (OT) rendszám', 'Oldtimer (OT) number plates', 20],
    ['custom-plates', 'Egyedi rendszám igénylése', 'Personalised number plates', 12],
    ['import', 'Használt jármű behozatala külföldről', 'Importing a used vehicle', 25],
    ['origin-check', 'Származásellenőrzés tájékoztatás', 'Vehicle origin check information', 10],
    ['inspection', 'Műszaki vizsga érvényességének átvezetése', 'Recording a roadworthiness test', 8],
    ['sale-notice', 'Üzembentartó változásának bejelentése', 'Reporting a change of keeper', 10],
    ['seller-notice', 'Eladói bejelentés adásvételről', 'Seller’s notice of a vehicle sale', 8],
    ['vehicle-history', 'Jármű előéletének lekérdezése', 'Vehicle history check', 5],
    ['registration-data', 'Gépjármű-nyilvántartási adatok saját részre', 'Own vehicle register data extract', 6],
    ['company-car', 'Cégautó üzembentartói ügyei', 'Company car keeper matters', 15],
  ];
  const electionItems: Item[] = [
    ['register-check', 'Szavazóköri névjegyzék ellenőrzése', 'Checking the electoral register', 5],
    ['transfer', 'Átjelentkezés másik szavazókörbe', 'Voting in another polling district', 8],
    ['mobile-box', 'Mozgóurna igénylése', 'Requesting a mobile ballot box', 8],
    ['abroad', 'Külképviseleti névjegyzékbe vétel', 'Registering to vote at a consulate abroad', 10],
    ['postal', 'Levélben szavazók névjegyzéke', 'Registering to vote by post', 12],
    ['minority', 'Nemzetiségi választói névjegyzékbe vétel', 'Minority electoral register', 8],
    ['accessible', 'Akadálymentes szavazóhelyiség, Braille-sablon kérése', 'Accessible polling station or Braille template', 8],
    ['data-protection', 'Választói adatok kiadásának megtiltása', 'Blocking the release of voter data', 6],
    ['candidate-support', 'Ajánlás és jelöltállítás tájékoztatás', 'Nomination and candidate information', 10],
    ['referendum', 'Népszavazási kezdeményezés tájékoztatás', 'Referendum initiative information', 10],
  ];
  const registryKinds: [string, string, string, number][] = [
    ['birth', 'Születési anyakönyvi kivonat', 'Birth certificate', 6],
    ['marriage', 'Házassági anyakönyvi kivonat', 'Marriage certificate', 6],
    ['death', 'Halotti anyakönyvi kivonat', 'Death certificate', 6],
    ['partnership', 'Bejegyzett élettársi kapcsolatról szóló kivonat', 'Registered partnership certificate', 6],
  ];
  const registryActions: Actions = [
    ['copy', 'másolat kiállítása', 'issue of a copy', 0],
    ['multilingual', 'többnyelvű formanyomtatvány (EU)', 'multilingual standard form (EU)', 3],
    ['abroad', 'kiállítás külföldi felhasználásra', 'issue for use abroad', 4],
    ['correction', 'adat kijavítása', 'correction of an entry', 10],
  ];
  const licenceItems: Item[] = [
    ['first', 'Vezetői engedély kiadása sikeres vizsga után', 'Driving licence issued after a passed test', 15],
    ['renew', 'Vezetői engedély cseréje lejárat miatt', 'Driving licence renewal on expiry', 12],
    ['renew-medical', 'Vezetői engedély érvényességének meghosszabbítása orvosi alkalmassággal', 'Driving licence extension with a medical certificate', 12],
    ['lost', 'Vezetői engedély pótlása elvesztés miatt', 'Driving licence replacement after loss', 14],
    ['stolen', 'Vezetői engedély pótlása eltulajdonítás miatt', 'Driving licence replacement after theft', 15],
    ['damaged', 'Vezetői engedély cseréje megrongálódás miatt', 'Driving licence replacement (damaged)', 12],
    ['datachange', 'Vezetői engedély cseréje adatváltozás miatt', 'Driving licence replacement after a change of data', 12],
    ['international', 'Nemzetközi vezetői engedély kiállítása', 'International driving permit', 10],
    ['foreign-eu', 'EGT-államban kiállított vezetői engedély cseréje', 'Exchange of a driving licence issued in the EEA', 18],
    ['foreign-other', 'Harmadik országbeli vezetői engedély honosítása', 'Exchange of a non-EEA driving licence', 25],
    ['category-add', 'Új kategória bejegyzése a vezetői engedélybe', 'Adding a new category to the driving licence', 12],
    ['code95', 'Szakmai alkalmasság (95-ös kód) bejegyzése', 'Entry of the professional competence code 95', 12],
    ['withdrawal-return', 'Visszavont vezetői engedély visszaadása', 'Return of a withdrawn driving licence', 15],
    ['tachograph', 'Digitális tachográf járművezetői kártya', 'Digital tachograph driver card', 15],
    ['tachograph-company', 'Digitális tachográf vállalkozói kártya', 'Digital tachograph company card', 15],
    ['status', 'Vezetői engedély kérelem állapotának lekérdezése', 'Status of a driving licence application', 3],
  ];
  const addressItems: Item[] = [
    ['move', 'Lakóhely bejelentése (költözés)', 'Registering a new permanent address (moving)', 10],
    ['stay', 'Tartózkodási hely bejelentése', 'Registering a temporary address', 8],
    ['stay-extend', 'Tartózkodási hely megújítása', 'Renewing a temporary address', 6],
    ['stay-delete', 'Tartózkodási hely megszüntetése', 'Cancelling a temporary address', 5],
    ['abroad-move', 'Külföldre költözés bejelentése', 'Reporting a move abroad', 10],
    ['return', 'Külföldről való hazatérés bejelentése', 'Reporting a return from abroad', 12],
    ['address-card', 'Lakcímkártya pótlása', 'Replacement address card', 6],
    ['address-card-damaged', 'Lakcímkártya cseréje megrongálódás miatt', 'Replacement of a damaged address card', 6],
    ['mail-address', 'Értesítési cím bejelentése', 'Registering a mailing address', 5],
    ['host-consent', 'Szállásadói hozzájárulás csatolása', 'Adding the host’s consent', 8],
    ['fictitious', 'Fiktív lakcím bejelentése (szállásadóként)', 'Reporting a fictitious registration (as host)', 15],
    ['address-query', 'Lakcímadat lekérdezése saját részre', 'Own address data extract', 5],
    ['secret-address', 'Lakcímadat titkosítása', 'Keeping the address confidential', 8],
    ['list-occupants', 'Ingatlanon bejelentett személyek listája (tulajdonosként)', 'List of persons registered at a property (as owner)', 8],
  ];
  const civilItems: Item[] = [
    ['name-change', 'Születési név megváltoztatása', 'Change of birth name', 20],
    ['marriage-name', 'Házassági név módosítása', 'Change of married name', 15],
    ['marriage-notice', 'Házasságkötési szándék bejelentése', 'Notice of intended marriage', 20],
    ['partnership-notice', 'Bejegyzett élettársi kapcsolat létesítésének bejelentése', 'Notice of intended registered partnership', 20],
    ['foreign-birth', 'Külföldön történt születés hazai anyakönyvezése', 'Registering a birth abroad', 25],
    ['foreign-marriage', 'Külföldön kötött házasság hazai anyakönyvezése', 'Registering a marriage abroad', 25],
    ['foreign-death', 'Külföldön történt haláleset hazai anyakönyvezése', 'Registering a death abroad', 25],
    ['paternity', 'Teljes hatályú apai elismerő nyilatkozat', 'Acknowledgement of paternity', 20],
    ['nationality-cert', 'Hatósági bizonyítvány nemzetiségi hovatartozásról', 'Certificate of national minority affiliation', 10],
    ['gender-data', 'Személyi adatok módosítása anyakönyvi változás után', 'Updating personal data after a civil-status change', 15],
    ['divorce-entry', 'Válás bejegyzése az anyakönyvbe', 'Recording a divorce', 12],
  ];
  const citizenshipItems: Item[] = [
    ['naturalisation', 'Honosítási kérelem benyújtása', 'Application for naturalisation', 40],
    ['simplified', 'Egyszerűsített honosítási kérelem', 'Simplified naturalisation application', 35],
    ['restoration', 'Visszahonosítási kérelem', 'Restoration of citizenship', 35],
    ['certificate', 'Állampolgársági bizonyítvány kiállítása', 'Certificate of Hungarian citizenship', 15],
    ['declaration', 'Állampolgársági nyilatkozat megtétele', 'Declaration of citizenship', 20],
    ['renounce', 'Lemondás a magyar állampolgárságról', 'Renouncing Hungarian citizenship', 25],
    ['oath', 'Állampolgársági eskü időpontjának egyeztetése', 'Scheduling the citizenship oath', 8],
    ['status', 'Honosítási ügy állapotának lekérdezése', 'Status of a naturalisation case', 5],
  ];
  const digitalItems: Item[] = [
    ['ugyfelkapu-plus', 'Ügyfélkapu+ regisztráció', 'Ügyfélkapu+ (client gate) registration', 10],
    ['dap', 'Digitális Állampolgárság (DÁP) azonosítás aktiválása', 'Activating the Digital Citizenship (DÁP) identity', 10],
    ['password-reset', 'Ügyfélkapu jelszó visszaállítása', 'Resetting the client-gate password', 6],
    ['email-change', 'Ügyfélkapu e-mail-cím módosítása', 'Changing the client-gate e-mail address', 5],
    ['delete', 'Ügyfélkapu-hozzáférés megszüntetése', 'Closing client-gate access', 5],
    ['eszig-pin', 'eSzemélyi PIN-kód beállítása', 'Setting the e-ID card PIN', 8],
    ['eszig-unlock', 'eSzemélyi PIN-kód feloldása (PUK)', 'Unblocking the e-ID card PIN', 6],
    ['eszig-signature', 'eSzemélyi aláírási tanúsítvány igénylése', 'Requesting the e-ID signing certificate', 10],
    ['reader', 'eSzemélyi kártyaolvasó használata, segítség', 'Help with an e-ID card reader', 10],
    ['rendelkezes', 'Rendelkezési nyilvántartás: meghatalmazás rögzítése', 'Disposition register: recording a power of attorney', 12],
    ['rendelkezes-revoke', 'Rendelkezési nyilvántartás: meghatalmazás visszavonása', 'Disposition register: revoking a power of attorney', 8],
    ['contact', 'Elérhetőségi adatok rögzítése a rendelkezési nyilvántartásban', 'Recording contact details in the disposition register', 6],
    ['cegkapu', 'Cégkapu regisztráció segítése', 'Help with company gateway (Cégkapu) registration', 15],
  ];
  const recordItems: Item[] = [
    ['criminal-record', 'Hatósági erkölcsi bizonyítvány igénylése', 'Certificate of good conduct (criminal record)', 8],
    ['criminal-record-abroad', 'Erkölcsi bizonyítvány külföldi felhasználásra', 'Certificate of good conduct for use abroad', 10],
    ['criminal-record-child', 'Erkölcsi bizonyítvány gyermekekkel foglalkozó munkakörhöz', 'Certificate of good conduct for work with children', 8],
    ['record-query', 'Bűnügyi nyilvántartási adatok saját részre', 'Own criminal record data extract', 8],
    ['data-lock', 'Adatletiltás kérése a személyiadat-nyilvántartásban', 'Blocking release of personal data', 6],
    ['data-extract', 'Személyi adatok kivonata saját részre', 'Own personal data extract', 6],
    ['data-release-log', 'Adattovábbítási napló lekérdezése', 'Log of who received my personal data', 6],
    ['guarantee', 'Hatósági bizonyítvány személyi adatokról', 'Official certificate of personal data', 8],
  ];
  const parkingItems: Item[] = [
    ['disabled-card', 'Mozgáskorlátozott parkolási igazolvány kiállítása', 'Disabled parking card', 15],
    ['disabled-card-renew', 'Parkolási igazolvány megújítása', 'Disabled parking card renewal', 12],
    ['disabled-card-lost', 'Parkolási igazolvány pótlása', 'Replacement disabled parking card', 12],
    ['disabled-transport', 'Közlekedőképesség minősítése iránti kérelem', 'Assessment of mobility impairment', 20],
    ['vehicle-tax-exempt', 'Gépjárműadó-mentesség súlyos mozgáskorlátozottként', 'Vehicle tax exemption for a severely disabled person', 15],
  ];
  const foreignersItems: Item[] = [
    ['eu-registration', 'EGT-állampolgár tartózkodásának bejelentése', 'Registration of residence of an EEA national', 20],
    ['eu-card', 'Regisztrációs igazolás kiállítása EGT-állampolgárnak', 'Registration certificate for an EEA national', 15],
    ['eu-permanent', 'Állandó tartózkodási kártya EGT-állampolgárnak', 'Permanent residence card for an EEA national', 20],
    ['family-member', 'Tartózkodási kártya EGT-állampolgár családtagjának', 'Residence card for a family member of an EEA national', 25],
    ['address-foreign', 'Külföldi állampolgár lakcímének bejelentése', 'Address registration of a foreign national', 12],
    ['hungarian-abroad', 'Külföldön élő magyar állampolgár nyilvántartásba vétele', 'Registering a Hungarian citizen living abroad', 25],
    ['personal-id-abroad', 'Személyi azonosító és lakcímet igazoló hatósági igazolvány külföldön élőnek', 'Personal number and address card for a Hungarian living abroad', 20],
  ];
  return [
    {
      id: 'szemelyi', name: ['Személyazonosító igazolvány', 'Identity card'],
      category: 'okmanyok', categoryName: ['Okmányok', 'Identity documents'], wrapUpSeconds: 45,
      items: matrix(idKinds, documentActions),
    },
    {
      id: 'utlevel', name: ['Útlevél', 'Passport'],
      category: 'okmanyok', categoryName: ['Okmányok', 'Identity documents'], wrapUpSeconds: 45,
      items: matrix(passportKinds, documentActions.filter(([k]) => k !== 'datachange')),
    },
    {
      id: 'jogositvany', name: ['Vezetői engedély', 'Driving licence'],
      category: 'kozlekedes', categoryName: ['Közlekedés', 'Transport'], wrapUpSeconds: 45,
      items: licenceItems,
    },
    {
      id: 'jarmu', name: ['Járműügyintézés', 'Vehicle registration'],
      category: 'kozlekedes', categoryName: ['Közlekedés', 'Transport'], wrapUpSeconds: 60, strategy: 'least-talk-time',
      targetAnswerSeconds: 90,
      items: [...matrix(vehicleKinds, vehicleActions), ...vehicleItems],
    },
    {
      id: 'lakcim', name: ['Lakcímügyek', 'Address registration'],
      category: 'nyilvantartas', categoryName: ['Nyilvántartások', 'Registers'],
      items: addressItems,
    },
    {
      id: 'anyakonyv', name: ['Anyakönyvi ügyek', 'Civil registry'],
      category: 'anyakonyv', categoryName: ['Anyakönyv és családi állapot', 'Civil status'], wrapUpSeconds: 45,
      items: [...matrix(registryKinds, registryActions), ...civilItems],
    },
    {
      id: 'allampolgarsag', name: ['Állampolgársági ügyek', 'Citizenship'],
      category: 'anyakonyv', categoryName: ['Anyakönyv és családi állapot', 'Civil status'], wrapUpSeconds: 90,
      targetAnswerSeconds: 120, targetServiceLevel: 0.7,
      items: citizenshipItems,
    },
    {
      id: 'ugyfelkapu', name: ['Digitális azonosítás', 'Digital identity'],
      category: 'digitalis', categoryName: ['Digitális ügyintézés', 'Digital services'], strategy: 'round-robin',
      items: digitalItems,
    },
    {
      id: 'igazolasok', name: ['Hatósági bizonyítványok', 'Official certificates'],
      category: 'nyilvantartas', categoryName: ['Nyilvántartások', 'Registers'],
      items: recordItems,
    },
    {
      id: 'parkolas', name: ['Parkolási igazolvány', 'Disabled parking card'],
      category: 'fogyatekossag', categoryName: ['Fogyatékossággal élők', 'Disability'], wrapUpSeconds: 60,
      items: parkingItems,
    },
    {
      id: 'valasztas', name: ['Választási ügyek', 'Elections'],
      category: 'nyilvantartas', categoryName: ['Nyilvántartások', 'Registers'], wrapUpSeconds: 20,
      items: electionItems,
    },
    {
      id: 'kulfoldiek', name: ['Külföldiek és külhoni magyarok', 'Foreign nationals and Hungarians abroad'],
      category: 'nyilvantartas', categoryName: ['Nyilvántartások', 'Registers'], wrapUpSeconds: 60,
      targetAnswerSeconds: 120,
      items: foreignersItems,
    },
  ];
}
