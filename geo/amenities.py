"""Fixed vocabularies shared by the API and the importer.

Values are the stable tokens stored in the database and used in URLs; labels are for display.
Adding a member is a schema change for clients; renaming one breaks stored data, so don't.
"""
from enum import StrEnum


class Amenity(StrEnum):
    drinking_water = "drinking_water"
    phone_charging = "phone_charging"
    microwave_or_hot_meal = "microwave_or_hot_meal"
    rest_area = "rest_area"
    toilet = "toilet"
    first_aid = "first_aid"
    wifi = "wifi"
    canteen = "canteen"
    childcare = "childcare"
    study_room = "study_room"
    library = "library"
    parking_for_ebikes = "parking_for_ebikes"
    ebike_charging = "ebike_charging"
    umbrella = "umbrella"
    repair_tools = "repair_tools"
    air_conditioning = "air_conditioning"
    meeting_room = "meeting_room"
    elderly_care = "elderly_care"
    legal_aid = "legal_aid"
    medical_service = "medical_service"


# token -> (Chinese label, English label)
AMENITY_LABELS: dict[Amenity, tuple[str, str]] = {
    Amenity.drinking_water: ("饮用水", "Drinking water"),
    Amenity.phone_charging: ("手机充电", "Phone charging"),
    Amenity.microwave_or_hot_meal: ("微波炉/热饭", "Microwave or hot meals"),
    Amenity.rest_area: ("休息区", "Rest area"),
    Amenity.toilet: ("卫生间", "Toilet"),
    Amenity.first_aid: ("应急药箱", "First-aid kit"),
    Amenity.wifi: ("免费无线网络", "Free Wi-Fi"),
    Amenity.canteen: ("食堂", "Canteen"),
    Amenity.childcare: ("儿童托管", "Childcare"),
    Amenity.study_room: ("自习室", "Study room"),
    Amenity.library: ("图书角", "Library / reading corner"),
    Amenity.parking_for_ebikes: ("电动车停放", "E-bike parking"),
    Amenity.ebike_charging: ("电动车充电", "E-bike charging"),
    Amenity.umbrella: ("爱心雨伞", "Umbrella loan"),
    Amenity.repair_tools: ("维修工具", "Repair tools"),
    Amenity.air_conditioning: ("空调", "Air conditioning"),
    Amenity.meeting_room: ("会议室", "Meeting room"),
    Amenity.elderly_care: ("养老服务", "Elderly care"),
    Amenity.legal_aid: ("法律援助", "Legal aid"),
    Amenity.medical_service: ("医疗服务", "Medical service"),
}

# token -> what having it means, so importers map source wording consistently.
AMENITY_MEANINGS: dict[Amenity, str] = {
    Amenity.drinking_water: "Free drinking water (hot or cold) for visitors.",
    Amenity.phone_charging: "Sockets or cables where visitors may charge a phone.",
    Amenity.microwave_or_hot_meal: "A microwave to heat food, or hot meals served or handed out.",
    Amenity.rest_area: "Seats or a room where workers may take a temporary rest.",
    Amenity.toilet: "A toilet open to visitors.",
    Amenity.first_aid: "A medical emergency kit or common medicines on hand.",
    Amenity.wifi: "Free Wi-Fi for visitors.",
    Amenity.canteen: "A canteen serving meals, free or paid.",
    Amenity.childcare: "Care or supervised activities for children (e.g. 四点半课堂, holiday classes).",
    Amenity.study_room: "A quiet room with desks for reading or study.",
    Amenity.library: "Books or periodicals to read or borrow (书屋, reading corner).",
    Amenity.parking_for_ebikes: "Space to park e-bikes while visiting.",
    Amenity.ebike_charging: "Sockets or a battery-swap cabinet for e-bikes.",
    Amenity.umbrella: "Umbrellas to borrow in the rain.",
    Amenity.repair_tools: "Tools or an air pump for small repairs to bikes and e-bikes.",
    Amenity.air_conditioning: "A cooled or heated indoor space.",
    Amenity.meeting_room: "A room for residents' deliberation, meetings or activities.",
    Amenity.elderly_care: "Day care, meals or activities for older residents.",
    Amenity.legal_aid: "Free legal advice or help with labour disputes.",
    Amenity.medical_service: "Health checks or consultations by medical staff.",
}


class Kind(StrEnum):
    service_centre = "service_centre"  # 党群服务中心
    rider_station = "rider_station"  # 暖"新"驿站 / rider and courier rest station


class Level(StrEnum):
    city = "city"
    district = "district"  # county-level: 区/县/县级市
    street = "street"  # 街道/乡镇
    community = "community"  # 社区/村
    business_district = "business_district"  # 商圈
    building = "building"  # 楼宇
    industrial_park = "industrial_park"  # 园区


class LocationPrecision(StrEnum):
    exact = "exact"  # the entrance or the building, checked on a map
    building = "building"  # the right building or compound, point not checked
    approximate = "approximate"  # street or neighbourhood only, e.g. geocoded from a vague address


class Status(StrEnum):
    open = "open"
    temporarily_closed = "temporarily_closed"
    closed = "closed"  # permanently


# Display labels, token -> (Chinese label, English label), like AMENITY_LABELS.
KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.service_centre: ("党群服务中心", "Party–mass service centre"),
    Kind.rider_station: ("骑手驿站", "Rider rest station"),
}
LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.city: ("市级", "City"),
    Level.district: ("区（县、市）级", "District"),
    Level.street: ("街道（乡镇）", "Street / township"),
    Level.community: ("社区（村）", "Community / village"),
    Level.business_district: ("商圈", "Business district"),
    Level.building: ("楼宇", "Building"),
    Level.industrial_park: ("园区", "Industrial park"),
}
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.open: ("开放", "Open"),
    Status.temporarily_closed: ("暂停开放", "Temporarily closed"),
    Status.closed: ("已关闭", "Closed"),
}
PRECISION_LABELS: dict[LocationPrecision, tuple[str, str]] = {
    LocationPrecision.exact: ("位置准确", "Exact location"),
    LocationPrecision.building: ("位置精确到楼宇", "Location to the building"),
    LocationPrecision.approximate: ("位置为大致位置", "Approximate location"),
}
